/** xuanke: course selection. Event-bus service proxies of every package are generated from here. */
@ModuleGen(name = "xuanke", groupPackage = "edu.xuanke")
package edu.xuanke;

import io.vertx.codegen.annotations.ModuleGen;
