package edu.xuanke.core;

import org.flywaydb.core.Flyway;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** Creates the database when missing and applies the Flyway migrations under db/migration. Blocking. */
public final class Migrations {

  private Migrations() {
  }

  public static void migrate(AppConfig config) throws SQLException {
    String server = "jdbc:mariadb://" + config.mysqlHost() + ":" + config.mysqlPort() + "/";
    try (Connection connection = DriverManager.getConnection(server, config.mysqlUser(), config.mysqlPassword());
         Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE IF NOT EXISTS `" + config.mysqlDatabase().replace("`", "")
        + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    }
    Flyway.configure()
      .dataSource(server + config.mysqlDatabase(), config.mysqlUser(), config.mysqlPassword())
      .locations("classpath:db/migration")
      .load()
      .migrate();
  }
}
