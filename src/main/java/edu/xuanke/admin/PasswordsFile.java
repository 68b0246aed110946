package edu.xuanke.admin;

/**
 * The one-time passwords file of an import, a CSV for Excel (UTF-8 with a byte-order mark): 学号,
 * 姓名 and the password of each student the import created, so the office can hand each student
 * their own line without looking names up.
 */
public final class PasswordsFile {

  private final StringBuilder csv = new StringBuilder("\uFEFF学号,姓名,一次性密码\r\n");
  private final int headerLength = csv.length();

  public void add(String studentId, String name, String password) {
    csv.append(cell(studentId)).append(',').append(cell(name)).append(',').append(cell(password)).append("\r\n");
  }

  public boolean isEmpty() {
    return csv.length() == headerLength;
  }

  @Override
  public String toString() {
    return csv.toString();
  }

  /** Quoted when it holds a comma or quote; a name starting like a formula is made text with a leading quote. */
  private static String cell(String value) {
    String text = !value.isEmpty() && "=+-@".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
    return text.contains(",") || text.contains("\"") ? "\"" + text.replace("\"", "\"\"") + "\"" : text;
  }
}
