package dev.telnetkit.screens

import dev.telnetkit.session.Session
import dev.telnetkit.session.SessionHandler
import dev.telnetkit.shell.Command
import dev.telnetkit.shell.CommandHandler
import java.nio.file.Path

/**
 * A screen app: named [Screen]s, the value functions their templates call, and where templates
 * are found. [run] shows screens in a session until a handler says [Navigation.Exit] or the input
 * ends, keeping a navigation stack (the first screen is the root). Made with `screens { }` (Kotlin)
 * or [Screens.builder] (Java); immutable and shared by every session. Templates are compiled once
 * and cached.
 *
 * ```java
 * Screens app = Screens.builder()
 *     .classpathTemplates("screens")
 *     .value("online", session -> server.sessionCount())
 *     .screen(Screen.builder("main").template("main.peb").hotKey('q', c -> Navigation.exit()))
 *     .build();
 * new TelnetServer(settings, app.handler());            // the whole session is the app
 * Command bbs = app.command("bbs", "main", "Opens the BBS."); // or one command of a shell
 * ```
 */
public class Screens internal constructor(
    private val screens: Map<String, Screen>,
    internal val values: Map<String, ValueFunction>,
    /** The screen [run] starts with unless told another: the first one declared, unless set. */
    public val start: String,
    templateFolder: Path?,
    classpathPrefix: String?,
) {
    internal val renderer = TemplateRenderer(
        templateFolder,
        classpathPrefix,
        screens.values.mapNotNull { screen ->
            (screen.body as? ScreenBody.InlineTemplate)?.let { TemplateRenderer.inlineName(screen.name) to it.text }
        }.toMap(),
    )

    /** The names of the screens, in the order declared. */
    public val names: List<String> get() = screens.keys.toList()

    internal fun screen(name: String): Screen? = screens[name]

    /**
     * Shows screens in [session], starting with [start], until a handler returns [Navigation.Exit]
     * (then returns, and the caller goes on: the shell prompts again) or the input ends. Runs in the
     * calling coroutine (the session's); template errors and failing handlers never end it.
     */
    @JvmSynthetic
    public suspend fun run(session: Session, start: String = this.start) {
        require(start in screens) { "there is no screen named '$start'" }
        ScreenNavigator(this, session).run(start)
    }

    /** [run] for code that may block (a Java blocking session or command handler); Java calls it `run`. */
    @JvmOverloads
    @JvmName("run")
    @Throws(InterruptedException::class)
    public fun runBlocking(session: Session, start: String = this.start) {
        kotlinx.coroutines.runBlocking { run(session, start) }
    }

    /** A session handler showing this app from [start]: the whole session is the app. */
    @JvmOverloads
    public fun handler(start: String = this.start): SessionHandler {
        require(start in screens) { "there is no screen named '$start'" }
        return SessionHandler { session -> run(session, start) }
    }

    /** A shell command named [name] that shows this app from [start]; the shell prompts again once it exits. */
    @JvmOverloads
    public fun command(name: String, start: String = this.start, summary: String = ""): Command {
        require(start in screens) { "there is no screen named '$start'" }
        return Command(name, summary = summary, handler = CommandHandler { call -> run(call.session, start) })
    }

    /** Builds [Screens] (Java; Kotlin has `screens { }`). */
    public class Builder internal constructor() {
        private val screens = LinkedHashMap<String, Screen>()
        private val values = LinkedHashMap<String, ValueFunction>()
        private var start: String? = null
        private var templateFolder: Path? = null
        private var classpathPrefix: String? = null

        /** Template files are read from [folder] (default: the classpath). */
        public fun templateFolder(folder: Path): Builder = apply {
            check(classpathPrefix == null) { "templates come from a folder or the classpath, not both" }
            templateFolder = folder
        }

        /** Template files are classpath resources under [prefix] (the default, with no prefix). */
        public fun classpathTemplates(prefix: String): Builder = apply {
            check(templateFolder == null) { "templates come from a folder or the classpath, not both" }
            classpathPrefix = prefix
        }

        /** Makes [function] the template macro `{{ value("name") }}`. */
        public fun value(name: String, function: ValueFunction): Builder = apply {
            require(name !in values) { "value '$name' is declared twice" }
            values[name] = function
        }

        /** Adds [screen]. */
        public fun screen(screen: Screen): Builder = apply {
            require(screen.name !in screens) { "screen '${screen.name}' is declared twice" }
            screens[screen.name] = screen
        }

        /** Adds [screen]. */
        public fun screen(screen: Screen.Builder): Builder = screen(screen.build())

        /** The screen to start with (default: the first one added). */
        public fun start(name: String): Builder = apply { start = name }

        /** The app. */
        public fun build(): Screens {
            require(screens.isNotEmpty()) { "a screen app needs at least one screen" }
            val first = start ?: screens.keys.first()
            require(first in screens) { "the start screen '$first' is not declared" }
            return Screens(screens.toMap(), values.toMap(), first, templateFolder, classpathPrefix)
        }
    }

    public companion object {
        /** Starts a screen app. */
        @JvmStatic
        public fun builder(): Builder = Builder()
    }
}
