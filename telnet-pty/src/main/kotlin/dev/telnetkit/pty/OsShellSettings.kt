package dev.telnetkit.pty

import java.nio.file.Path
import java.time.Duration

/**
 * How [OsShell] runs an operating-system program in a pseudo-terminal for a session. Nothing runs
 * unless the server author names the program: [command] has no default.
 *
 * The program's environment is built from scratch (the server's own environment is not passed
 * on): `PATH`, `TERM` from the session's terminal type, `COLUMNS` and `LINES` from its window size,
 * `LANG` ([lang]), `HOME`, `USER`, `LOGNAME` and `SHELL` of [runAs] when set, then [environment].
 * Variables the user's client sent (Telnet NEW-ENVIRON, SSH `env`) are passed only when named in
 * [passEnvironment].
 *
 * Never as root by default: when the server process runs as root, the shell refuses to start
 * unless [runAs] names a non-root user (the program then runs as that user, through `setpriv` or
 * `runuser`) or [allowRoot] is true.
 *
 * Kotlin: `OsShellSettings(command = listOf("/bin/bash", "-l"), runAs = "bbs")`. Java:
 *
 * ```java
 * OsShellSettings settings = OsShellSettings.builder("/bin/bash", "-l").runAs("bbs").build();
 * ```
 *
 * @property command the program and its arguments (required, non-empty).
 * @property workingDirectory where the program starts; null: the home of [runAs], else the server's working directory.
 * @property environment variables set for the program, after the ones listed above (they win).
 * @property passEnvironment names of variables the user's client sent that are passed to the program.
 * @property runAs the user the program runs as (the server must run as root to switch); null: the server's user.
 * @property allowRoot lets the program run as root (refused by default).
 * @property lang the `LANG` of the program; its output is read as UTF-8 when this names no other charset.
 * @property hangupGrace how long the program has to end after SIGHUP (the session ended) before it is killed.
 */
public class OsShellSettings @JvmOverloads constructor(
    public val command: List<String>,
    public val workingDirectory: Path? = null,
    public val environment: Map<String, String> = emptyMap(),
    public val passEnvironment: Set<String> = emptySet(),
    public val runAs: String? = null,
    public val allowRoot: Boolean = false,
    public val lang: String = "C.UTF-8",
    public val hangupGrace: Duration = Duration.ofSeconds(2),
) {
    init {
        require(command.isNotEmpty() && command[0].isNotBlank()) {
            "OS shell: no command configured; name the program to run, such as command = listOf(\"/bin/bash\", \"-l\") " +
                "(there is deliberately no default)"
        }
        require(command.none { '\u0000' in it }) { "OS shell: the command must not contain NUL characters" }
        require(runAs == null || USER_NAME.matches(runAs)) { "OS shell: runAs '$runAs' is not a valid user name" }
        environment.keys.forEach { require(ENVIRONMENT_NAME.matches(it)) { "OS shell: '$it' is not a valid environment variable name" } }
        require(environment.values.none { '\u0000' in it }) { "OS shell: environment values must not contain NUL characters" }
        require(!hangupGrace.isNegative) { "OS shell: hangupGrace must not be negative" }
    }

    override fun toString(): String = "OsShellSettings(command=$command, runAs=$runAs, allowRoot=$allowRoot)"

    /** Builds [OsShellSettings] step by step, for Java; [build] checks them. */
    public class Builder internal constructor(private val command: List<String>) {
        private var workingDirectory: Path? = null
        private val environment = LinkedHashMap<String, String>()
        private val passEnvironment = LinkedHashSet<String>()
        private var runAs: String? = null
        private var allowRoot = false
        private var lang = "C.UTF-8"
        private var hangupGrace: Duration = Duration.ofSeconds(2)

        /** Where the program starts. */
        public fun workingDirectory(directory: Path): Builder = apply { workingDirectory = directory }

        /** Sets the variable [name] for the program. */
        public fun environment(name: String, value: String): Builder = apply { environment[name] = value }

        /** Passes the client-sent variables [names] to the program. */
        public fun passEnvironment(vararg names: String): Builder = apply { passEnvironment.addAll(names) }

        /** Runs the program as [user] (the server must run as root). */
        public fun runAs(user: String): Builder = apply { runAs = user }

        /** Lets the program run as root. */
        public fun allowRoot(allow: Boolean): Builder = apply { allowRoot = allow }

        /** The `LANG` of the program. */
        public fun lang(lang: String): Builder = apply { this.lang = lang }

        /** How long the program has to end after SIGHUP before it is killed. */
        public fun hangupGrace(grace: Duration): Builder = apply { hangupGrace = grace }

        /** The settings; throws [IllegalArgumentException] with a clear message if something is wrong. */
        public fun build(): OsShellSettings = OsShellSettings(
            command, workingDirectory, environment.toMap(), passEnvironment.toSet(), runAs, allowRoot, lang, hangupGrace,
        )
    }

    public companion object {
        internal val USER_NAME = Regex("[A-Za-z_][A-Za-z0-9_.-]{0,31}\\$?")
        internal val ENVIRONMENT_NAME = Regex("[A-Za-z_][A-Za-z0-9_]*")

        /** Starts building settings that run [command] (the program, then its arguments). */
        @JvmStatic
        public fun builder(vararg command: String): Builder = Builder(command.toList())
    }
}
