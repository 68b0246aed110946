package edu.xuanke.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HashTagKeysUnitTest {

  @Test
  void theHashTagIsWhatRedisClusterHashes() {
    assertEquals("t42", HashTagKeys.tagOf("xk:{t42}:events"));
    assertEquals("t42", HashTagKeys.tagOf("xk:{t42}:s:7:{x}"), "the first tag counts");
    assertEquals("xk:{}:events", HashTagKeys.tagOf("xk:{}:events"), "an empty tag: the whole key");
    assertEquals("xk:{open", HashTagKeys.tagOf("xk:{open"), "no closing brace: the whole key");
    assertEquals("plain", HashTagKeys.tagOf("plain"));
  }
}
