package dev.telnetkit.screens

import dev.telnetkit.dsl.CommandBuilder
import dev.telnetkit.dsl.TelnetDsl
import dev.telnetkit.dsl.TelnetServerScope
import dev.telnetkit.session.Session
import java.nio.file.Path

/**
 * Declares a screen app (Kotlin).
 *
 * ```kotlin
 * val bbs = screens {
 *     classpathTemplates("screens")
 *     value("online") { session -> sessions.count() }
 *     screen("main") {
 *         template("main.peb")
 *         hotKey('c') { Navigation.Goto("chat") }
 *         hotKey('g') { Navigation.Exit }
 *     }
 *     screen("signup") {
 *         text("{{ clear() }}{{ bold }}Sign up{{ reset }}\nName: {{ field(\"name\") }}\n")
 *         field("name", maxLength = 20, validate = { if (it.isBlank()) "A name, please." else null }) { Navigation.KeepReading }
 *         field("password", prompt = "Password: ", mask = '*')
 *         onSubmit { values -> accounts.add(values.getValue("name"), values.getValue("password")); Navigation.Root }
 *     }
 * }
 * ```
 */
public fun screens(configure: ScreensScope.() -> Unit): Screens = ScreensScope().apply(configure).build()

/** Makes the screen app declared in [configure] the session handler, starting at [start] (default its first screen). */
public fun TelnetServerScope.screenApp(start: String? = null, configure: ScreensScope.() -> Unit) {
    val app = screens(configure)
    screenApp(app, start ?: app.start)
}

/** Makes [app] the session handler, starting at [start]: the session ends when the app exits. */
public fun TelnetServerScope.screenApp(app: Screens, start: String = app.start) {
    require(start in app.names) { "there is no screen named '$start'" }
    session { app.run(this, start) }
}

/** Makes this command show [app] from [start]; the shell prompts again once the app exits. */
public fun CommandBuilder.runScreens(app: Screens, start: String = app.start) {
    require(start in app.names) { "there is no screen named '$start'" }
    run { app.run(this, start) }
}

/** The body of `screens { }`. */
@TelnetDsl
public class ScreensScope internal constructor() {
    private val builder = Screens.builder()

    /** The screen to start with (default: the first one declared). */
    public var start: String? = null

    /** Template files are read from [folder] (default: the classpath). */
    public fun templateFolder(folder: Path) {
        builder.templateFolder(folder)
    }

    /** Template files are classpath resources under [prefix]. */
    public fun classpathTemplates(prefix: String) {
        builder.classpathTemplates(prefix)
    }

    /** The template macro `{{ value("name") }}`; [function] may block (it runs on `Dispatchers.IO`). */
    public fun value(name: String, function: (Session) -> Any?) {
        builder.value(name, ValueFunction(function))
    }

    /** Declares a screen. */
    public fun screen(name: String, configure: ScreenScope.() -> Unit = {}) {
        builder.screen(ScreenScope(name).apply(configure).build())
    }

    internal fun build(): Screens {
        start?.let { builder.start(it) }
        return builder.build()
    }
}

/** The body of `screen("name") { }`: see [Screen] for what each part does. */
@TelnetDsl
public class ScreenScope internal constructor(private val name: String) {
    private val builder = Screen.builder(name)

    /** Whether the terminal is cleared before the screen is drawn (default true). */
    public var clearsScreen: Boolean = true

    /** The body is the Pebble template [file]. */
    public fun template(file: String) {
        builder.template(file)
    }

    /** The body is this inline Pebble [template]. */
    public fun text(template: String) {
        builder.text(template)
    }

    /** The body is written by [block] (may block: it runs on `Dispatchers.IO`). */
    public fun render(block: (ScreenContext) -> String) {
        builder.renderer(ScreenRenderer(block))
    }

    /** The template's variables at each render (may block: it runs on `Dispatchers.IO`). */
    public fun model(block: (ScreenContext) -> Map<String, Any?>) {
        builder.model(ScreenModel(block))
    }

    /** Shows these items below the body page by page (keys n/p, PageDown/PageUp; q or Escape goes back). */
    public fun list(items: (ScreenContext) -> List<String>) {
        builder.list(ListItems(items))
    }

    /** Pressing [key] (letters case-insensitive) runs [action] in the session's coroutine. */
    public fun hotKey(key: Char, action: suspend ScreenContext.() -> Navigation) {
        builder.hotKey(key, Action { it.action() })
    }

    /** Pressing Enter runs [action]. */
    public fun onEnter(action: suspend ScreenContext.() -> Navigation) {
        builder.onEnter(Action { it.action() })
    }

    /** Pressing Escape runs [action]. */
    public fun onEscape(action: suspend ScreenContext.() -> Navigation) {
        builder.onEscape(Action { it.action() })
    }

    /** Runs before each draw; returning Goto, Back, Root or Exit goes there instead of showing the screen. */
    public fun onShow(action: suspend ScreenContext.() -> Navigation) {
        builder.onShow(Action { it.action() })
    }

    /**
     * An input field; see [ScreenField]. [validate] returns a message for a bad value (the field is
     * asked again); [handler] gets the accepted value and says where to go (default: on to the next field).
     */
    public fun field(
        name: String,
        prompt: String = "",
        maxLength: Int = Int.MAX_VALUE,
        mask: Char? = null,
        initial: String = "",
        validate: ((String) -> String?)? = null,
        handler: suspend ScreenContext.(value: String) -> Navigation = { Navigation.KeepReading },
    ) {
        val field = ScreenField.builder(name).prompt(prompt).initial(initial)
        if (maxLength != Int.MAX_VALUE) field.maxLength(maxLength)
        mask?.let { field.mask(it) }
        validate?.let { field.validator(FieldValidator(it)) }
        field.handler(ValueAction { context, value -> context.handler(value) })
        builder.field(field.build())
    }

    /** Runs once every field was read, with their values by name. */
    public fun onSubmit(handler: suspend ScreenContext.(values: Map<String, String>) -> Navigation) {
        builder.onSubmit(Submit { context, values -> context.handler(values) })
    }

    internal fun build(): Screen = builder.clearsScreen(clearsScreen).build()
}
