package dev.telnetkit.testkit

import java.io.File
import java.util.concurrent.TimeUnit

/**
 * The real programs interop tests drive (GNU inetutils `telnet` and `tmux`; also BusyBox `telnet`,
 * PuTTY `plink` and OpenBSD `nc` for the other-clients tests, `openssl s_client` and Debian's
 * `telnet-ssl` for the TLS tests, lrzsz's `sz` and `rz` for ZModem), and the rule for
 * when they are missing: such a test is skipped, with a printed message naming what is missing
 * and the Debian package that installs it, unless the environment variable [REQUIRE_VARIABLE]
 * is `1`; then it runs and fails with that message (so a CI job that must test interop cannot
 * pass by skipping).
 *
 * With kotest:
 *
 * ```kotlin
 * test("...").config(enabledOrReasonIf = {
 *     InteropClients.skipReason()?.let { Enabled.disabled(it) } ?: Enabled.enabled
 * }) {
 *     InteropClients.requireAll()
 *     TmuxTerminal.telnet("127.0.0.1", server.port).use { terminal -> ... }
 * }
 * ```
 */
public object InteropClients {
    /** Set to `1` to make a missing program a test failure instead of a skip. */
    public const val REQUIRE_VARIABLE: String = "TELNETKIT_REQUIRE_INTEROP"

    /**
     * A program interop tests need.
     *
     * @property name what it is called in messages, such as `telnet (GNU inetutils)`.
     * @property path where it was found, or null if it was not.
     * @property aptPackage the Debian/Ubuntu package that installs it.
     */
    public class Program(public val name: String, public val path: String?, public val aptPackage: String) {
        /** True if the program was found. */
        public val found: Boolean get() = path != null

        /** [path], or an [AssertionError] naming the program and its package. */
        public fun require(): String = path ?: throw AssertionError("$name is not installed (apt-get install $aptPackage)")

        override fun toString(): String = "$name at ${path ?: "(not found)"}"
    }

    /**
     * GNU inetutils telnet: `/usr/bin/inetutils-telnet` if installed under that name, else the first
     * `telnet` on the PATH whose `--version` says it is GNU inetutils (other telnet clients behave
     * differently, so they do not count).
     */
    public val inetutilsTelnet: Program by lazy {
        val candidates = listOf("/usr/bin/inetutils-telnet") + onPath("inetutils-telnet") + onPath("telnet")
        Program("telnet (GNU inetutils)", candidates.distinct().firstOrNull(::isInetutils), "inetutils-telnet")
    }

    /** tmux, the first on the PATH. */
    public val tmux: Program by lazy { Program("tmux", onPath("tmux").firstOrNull(), "tmux") }

    /** BusyBox, whose `telnet` applet is run as `busybox telnet HOST PORT`: the first `busybox` on the PATH that has it. */
    public val busybox: Program by lazy {
        Program("busybox (telnet applet)", onPath("busybox").firstOrNull(::hasTelnetApplet), "busybox")
    }

    /** PuTTY's command-line client `plink`, used as `plink -telnet -P PORT HOST`. */
    public val plink: Program by lazy { Program("plink (PuTTY)", onPath("plink").firstOrNull(), "putty-tools") }

    /** OpenBSD netcat (`nc.openbsd`, else an `nc` that is OpenBSD's): a raw TCP client that answers no Telnet negotiation at all. */
    public val netcat: Program by lazy {
        Program("nc (OpenBSD netcat)", (onPath("nc.openbsd") + onPath("nc")).firstOrNull(::isOpenBsdNetcat), "netcat-openbsd")
    }

    /** OpenSSL's command line, whose `s_client` is a raw TLS client: `openssl s_client -connect HOST:PORT -quiet`. */
    public val openssl: Program by lazy { Program("openssl", onPath("openssl").firstOrNull(), "openssl") }

    /**
     * Debian's SSL-enabled netkit telnet, `telnet-ssl`: Telnet over TLS from the first byte with
     * `-z ssl` (and `-z secure`, without which it speaks plain Telnet to localhost).
     */
    public val telnetSsl: Program by lazy { Program("telnet-ssl", onPath("telnet-ssl").firstOrNull(), "telnet-ssl") }

    /** OpenSSH's client, `ssh`. */
    public val openSsh: Program by lazy { Program("ssh (OpenSSH)", onPath("ssh").firstOrNull(), "openssh-client") }

    /** OpenSSH's `ssh-keygen`. */
    public val sshKeygen: Program by lazy { Program("ssh-keygen", onPath("ssh-keygen").firstOrNull(), "openssh-client") }

    /** `sshpass`, which gives `ssh` a password non-interactively. */
    public val sshpass: Program by lazy { Program("sshpass", onPath("sshpass").firstOrNull(), "sshpass") }

    /** lrzsz's ZModem sender `sz`, which tests run through a [TelnetProgramBridge]. */
    public val sz: Program by lazy { Program("sz (lrzsz)", onPath("sz").firstOrNull(), "lrzsz") }

    /** lrzsz's ZModem receiver `rz`, which tests run through a [TelnetProgramBridge]. */
    public val rz: Program by lazy { Program("rz (lrzsz)", onPath("rz").firstOrNull(), "lrzsz") }

    /**
     * TinTin++, the MUD client (`tt++`; Debian installs it as `/usr/games/tt++`, often not on the
     * PATH): it speaks GMCP, MSDP, MSSP, MCCP2/3 and EOR.
     */
    public val tintin: Program by lazy {
        Program("TinTin++ (tt++)", (onPath("tt++") + listOf("/usr/games/tt++")).firstOrNull { File(it).canExecute() }, "tintin++")
    }

    /**
     * asciinema, the terminal session recorder: `asciinema play` and `asciinema cat` play back the
     * asciicast files telnet-recording writes (`cat` wants a terminal: run it under `script -qec`).
     */
    public val asciinema: Program by lazy { Program("asciinema", onPath("asciinema").firstOrNull(), "asciinema") }

    /** Debian's Chromium, which the browser tests drive headless through Selenium. */
    public val chromium: Program by lazy {
        Program("chromium", (listOf("/usr/bin/chromium") + onPath("chromium")).firstOrNull { File(it).canExecute() }, "chromium")
    }

    /** Chromium's WebDriver server, for Selenium. */
    public val chromedriver: Program by lazy {
        Program("chromedriver", (listOf("/usr/bin/chromedriver") + onPath("chromedriver")).firstOrNull { File(it).canExecute() }, "chromium-driver")
    }

    /** The programs the inetutils interop tests need: inetutils telnet and tmux (the default of the functions below). */
    public val all: List<Program> get() = listOf(inetutilsTelnet, tmux)

    /** True if [REQUIRE_VARIABLE] is `1`. */
    public val required: Boolean get() = System.getenv(REQUIRE_VARIABLE) == "1"

    /** The programs of [programs] that were not found. */
    public fun missing(programs: List<Program> = all): List<Program> = programs.filter { !it.found }

    /** What is missing and how to install it, such as `tmux is not installed (apt-get install tmux)`; null if nothing is. */
    public fun missingMessage(programs: List<Program> = all): String? =
        missing(programs).takeIf { it.isNotEmpty() }?.joinToString("; ") { "${it.name} is not installed (apt-get install ${it.aptPackage})" }

    /**
     * Why an interop test should be skipped, or null if it should run: null when every program of
     * [programs] is there, and also when one is missing but [required] is set (the test then runs and
     * [requireAll] fails it). A reason is printed before it is returned, so a skip shows in the build log.
     */
    public fun skipReason(programs: List<Program> = all): String? {
        val message = missingMessage(programs) ?: return null
        if (required) return null
        val reason = "interop test skipped: $message; set $REQUIRE_VARIABLE=1 to make this a failure"
        println(reason)
        return reason
    }

    /** Throws [AssertionError] naming every missing program of [programs] and its package. */
    public fun requireAll(programs: List<Program> = all) {
        val message = missingMessage(programs) ?: return
        throw AssertionError(if (required) "$REQUIRE_VARIABLE=1 but $message" else message)
    }

    private fun onPath(name: String): List<String> =
        (System.getenv("PATH") ?: "").split(File.pathSeparator).filter { it.isNotEmpty() }
            .map { File(it, name) }.filter { it.isFile && it.canExecute() }.map { it.path }

    private fun isInetutils(path: String): Boolean = "GNU inetutils" in output(path, "--version")

    private fun hasTelnetApplet(path: String): Boolean = output(path, "--list").lines().any { it.trim() == "telnet" }

    private fun isOpenBsdNetcat(path: String): Boolean = "OpenBSD netcat" in output(path, "-h")

    /** What [path] run with [args] prints (stdout and stderr), or "" if it cannot be run. */
    private fun output(path: String, vararg args: String): String = if (!File(path).canExecute()) "" else runCatching {
        val process = ProcessBuilder(listOf(path) + args).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(File("/dev/null"))).start()
        val text = process.inputStream.bufferedReader().readText()
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly()
        text
    }.getOrDefault("")
}
