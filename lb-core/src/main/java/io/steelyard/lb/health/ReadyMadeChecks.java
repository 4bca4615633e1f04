package io.steelyard.lb.health;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * HAProxy 2.6's ready-made checks, as the rule sets its {@code option redis-check}, {@code
 * mysql-check}, {@code pgsql-check}, {@code smtpchk}, {@code ldap-check} and {@code ssl-hello-chk}
 * build: the same steps, numbered alike, the same bytes, statuses and messages.
 */
final class ReadyMadeChecks {
  private ReadyMadeChecks() {}

  static Check redis() {
    return Check.readyMade("redis-check")
        .send("*1\r\n$4\r\nPING\r\n")
        .expect(CheckExpect.string("+PONG\r\n")
            .errorStatus(CheckStatus.L7STS)
            .onError("%[res.payload(0,0),cut_crlf]")
            .onSuccess("Redis server is ok"));
  }

  /** Reads the greeting only, when {@code user} is {@code null}; else logs in and quits. */
  static Check mysql(@Nullable String user, boolean post41) {
    Check check = Check.readyMade("mysql-check").connect(CheckConnect.SERVER);
    if (user == null) {
      return check.expect(CheckExpect.custom(MysqlPacket.GREETING));
    }
    byte[] name = CheckBytes.latin1("mysql-check user", user);
    ByteArrayOutputStream login = new ByteArrayOutputStream();
    int payload = post41 ? name.length + 34 : name.length + 7;
    login.write(payload & 0xFF);
    login.write(payload >> 8 & 0xFF);
    login.write(payload >> 16 & 0xFF);
    login.write(1);
    if (post41) {
      login.writeBytes(new byte[] {0x00, (byte) 0x82, 0x00, 0x00, 0x00, (byte) 0x80, 0x00, 0x01, 0x21});
      login.writeBytes(new byte[23]);
    } else {
      login.writeBytes(new byte[] {0x00, (byte) 0x80, 0x00, 0x00, 0x01});
    }
    login.writeBytes(name);
    login.write(0);
    login.write(0);
    login.writeBytes(new byte[] {0x01, 0x00, 0x00, 0x00, 0x01});
    return check
        .send(CheckSend.bytes(login.toByteArray()))
        .expect(CheckExpect.custom(MysqlPacket.GREETING))
        .expect(CheckExpect.custom(MysqlPacket.LOGIN_ANSWER));
  }

  static Check pgsql(String user) {
    byte[] name = CheckBytes.latin1("pgsql-check user", user);
    ByteArrayOutputStream startup = new ByteArrayOutputStream();
    int length = 15 + name.length;
    startup.writeBytes(new byte[] {
        (byte) (length >> 24), (byte) (length >> 16), (byte) (length >> 8), (byte) length});
    startup.writeBytes(new byte[] {0x00, 0x03, 0x00, 0x00});
    startup.writeBytes("user\0".getBytes(StandardCharsets.ISO_8859_1));
    startup.writeBytes(name);
    startup.write(0);
    startup.write(0);
    return Check.readyMade("pgsql-check")
        .connect(CheckConnect.SERVER)
        .send(CheckSend.bytes(startup.toByteArray()))
        .expect(CheckExpect.rstring("^E").negated().minRecv(5)
            .onError("%[res.payload(6,0)]"))
        .expect(CheckExpect.rbinary(
                "^52000000[A-Z0-9]{2}000000(00|02|03|04|05|06|07|09|0A)")
            .minRecv(9)
            .errorStatus(CheckStatus.L7STS)
            .onSuccess("PostgreSQL server is ok")
            .onError("PostgreSQL unknown error"));
  }

  /** {@code command} such as {@code HELO localhost}, HAProxy's default, or {@code EHLO domain}. */
  static Check smtp(String command) {
    String reply = "%[res.payload(4,0),ltrim(' '),cut_crlf]";
    return Check.readyMade("smtpchk")
        .connect(CheckConnect.SERVER)
        .expect(CheckExpect.rstring("^[0-9]{3}[ \r]").minRecv(4)
            .onError("%[res.payload(0,0),cut_crlf]"))
        .expect(CheckExpect.rstring("^2[0-9]{2}[ \r]").minRecv(4)
            .errorStatus(CheckStatus.L7STS).onError(reply).statusCode("res.payload(0,3)"))
        .send(command + "\r\n")
        .expect(CheckExpect.rstring("^(2[0-9]{2}-[^\r]*\r\n)*2[0-9]{2}[ \r]")
            .errorStatus(CheckStatus.L7STS).onError(reply).onSuccess(reply)
            .statusCode("res.payload(0,3)"))
        .send("QUIT\r\n")
        .expect(CheckExpect.rstring("^2[0-9]{2}[- \r]").minRecv(4)
            .errorStatus(CheckStatus.L7STS).onError(reply).onSuccess(reply)
            .statusCode("res.payload(0,3)"));
  }

  static Check ldap() {
    return Check.readyMade("ldap-check")
        .sendBinary("300C020101600702010304008000")
        .expect(CheckExpect.rbinary("^30").minRecv(14).onError("Not LDAPv3 protocol"))
        .expect(CheckExpect.custom(LdapBindResponse.INSTANCE));
  }

  /** An SSLv3 client hello of 39 common ciphers: a TLS server answers it with a hello or an alert. */
  static Check sslHello() {
    byte[] random = "HAPROXYSSLCHK\nHAPROXYSSLCHK\n".getBytes(StandardCharsets.ISO_8859_1);
    ByteArrayOutputStream hello = new ByteArrayOutputStream();
    hello.writeBytes(CheckBytes.hex("ssl hello", "160300007901000075" + "0300" + "00000000"));
    hello.writeBytes(random);
    hello.writeBytes(CheckBytes.hex("ssl hello", "00004E"));
    for (int cipher = 0x01; cipher <= 0x3A; cipher = cipher == 0x1B ? 0x2F : cipher + 1) {
      hello.write(0);
      hello.write(cipher);
    }
    hello.writeBytes(CheckBytes.hex("ssl hello", "0100"));
    return Check.readyMade("ssl-hello-chk")
        .send(CheckSend.timed(hello.toByteArray(), 11))
        .expect(CheckExpect.rbinary("^1[56]").minRecv(5)
            .okStatus(CheckStatus.L6OK)
            .errorStatus(CheckStatus.L6RSP)
            .timeoutStatus(CheckStatus.L6TOUT));
  }
}
