package dev.telnetkit.screens

import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.server.TelnetServer
import java.util.concurrent.ConcurrentHashMap
import kotlin.time.Duration.Companion.seconds

/** The screen app the screens specs drive: every navigation, a form, a list, templates that fail. */
internal object BbsFixture {
    fun app(): Screens {
        val draws = ConcurrentHashMap<Long, Int>()
        return screens {
            classpathTemplates("screens")
            value("online") { 42 }
            screen("main") {
                template("main.peb")
                model { context -> mapOf("draws" to draws.merge(context.session.id, 1, Int::plus)) }
                hotKey('a') { Navigation.Goto("a") }
                hotKey('f') { Navigation.Goto("signup") }
                hotKey('l') { Navigation.Goto("list") }
                hotKey('n') { Navigation.Goto("nick") }
                hotKey('w') { Navigation.Goto("width") }
                hotKey('c') { Navigation.Goto("colors") }
                hotKey('s') {
                    session.write("<stayed>")
                    Navigation.Stay
                }
                hotKey('r') { Navigation.Redraw }
                hotKey('e') { error("the handler broke") }
                hotKey('1') { Navigation.Goto("broken-syntax") }
                hotKey('2') { Navigation.Goto("broken-runtime") }
                hotKey('3') { Navigation.Goto("nowhere") }
                hotKey('x') { Navigation.Exit }
            }
            screen("a") {
                text("SCREEN A: [B] next [K] back\n")
                hotKey('b') { Navigation.Goto("b") }
                hotKey('k') { Navigation.Back }
            }
            screen("b") {
                text("SCREEN B: [R] root [K] back\n")
                hotKey('r') { Navigation.Root }
                hotKey('k') { Navigation.Back }
            }
            screen("signup") {
                text("{{ bold }}SIGN UP{{ reset }}\n")
                field("name", prompt = "Name: ", maxLength = 8, validate = { if (it.isBlank()) "A name, please." else null })
                field("password", prompt = "Password: ", mask = '*', validate = { if (it.length < 4) "At least 4 characters." else null })
                onSubmit { values ->
                    session.writeLine("SIGNED UP ${values["name"]} with a password of ${values["password"]?.length} characters")
                    Navigation.KeepReading
                }
                hotKey('k') { Navigation.Back }
            }
            screen("nick") {
                text("Nick: {{ field(\"nick\", max=5) }}<AFTER FIELD>\nGreeting: {{ field(\"greeting\") }}")
                field("nick") { value ->
                    session.writeLine("hello $value")
                    if (value == "again") Navigation.Stay else Navigation.KeepReading
                }
                field("greeting") { value ->
                    session.writeLine("greeting is $value")
                    Navigation.Back
                }
            }
            screen("list") {
                text("ITEMS\n")
                list { (1..50).map { "item number $it" } }
            }
            screen("width") {
                text("Width: {{ width }} Height: {{ height }}\n{{ rule(\"=\") }}\n{{ box(\"inside\", \"Title\") }}\n")
                hotKey('k') { Navigation.Back }
            }
            screen("colors") {
                text("{{ fg(\"red\") }}RED{{ reset }} {{ fg(\"#ff8800\") }}ORANGE{{ reset }} {{ bg(\"blue\") }}BLUE{{ reset }}\n")
                hotKey('k') { Navigation.Back }
            }
            screen("broken-syntax") { template("broken-syntax.peb") }
            screen("broken-runtime") { template("broken-runtime.peb") }
        }
    }

    fun server(): TelnetServer = telnetServer {
        port = 0
        idleTimeout = 60.seconds
        screenApp(app())
    }
}
