package dev.telnetkit.dsl

import dev.telnetkit.server.TelnetServerBuilder
import dev.telnetkit.shell.Command
import dev.telnetkit.shell.LoginSettings
import io.kotest.assertions.fail
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import java.lang.reflect.Modifier
import kotlin.reflect.KClass
import kotlin.reflect.KParameter
import kotlin.reflect.KVisibility
import kotlin.reflect.full.declaredMemberFunctions
import kotlin.reflect.full.declaredMemberProperties
import kotlin.reflect.typeOf

/**
 * The Java builder and the Kotlin DSL name every setting alike: the names Java sees on
 * [TelnetServerBuilder] (its public methods) are the names Kotlin sees on [TelnetServerScope] (its
 * public properties and functions), and likewise for the login settings ([LoginSettings.Builder]
 * against the parameters of [TelnetServerScope.login]). A setting added to one side only fails
 * here, unless the allow-list below gives the reason it means nothing on the other side.
 */
class SettingNamesSpec : FunSpec({
    /** Only on the Java builder, with the reason. */
    val onlyInBuilder = mapOf(
        "build" to "the DSL builds the server when telnetServer { } returns",
    )

    /** Only in the DSL, with the reason. */
    val onlyInDsl = mapOf(
        "buildServer" to "engine API (@EngineApi) for a host that evaluates a script into a scope (telnet-script), not a setting",
        "commandShell" to "engine API: the shell buildServer() made, for telnet-script's --watch",
        "declaredCommands" to "engine API: the commands a script declared, for telnet-script's --watch",
    )

    /** Only on LoginSettings.Builder, with the reason. */
    val onlyInLoginBuilder = mapOf(
        "build" to "the DSL's login(…) builds the settings itself",
    )

    /** Only among the DSL's login(…) parameters, with the reason. */
    val onlyInDslLogin = mapOf(
        "check" to "Java passes the check to LoginSettings.builder(check), not to a setter",
    )

    fun javaNames(type: Class<*>): Set<String> = type.declaredMethods
        .filter { Modifier.isPublic(it.modifiers) && !it.isSynthetic && !it.isBridge && !Modifier.isStatic(it.modifiers) }
        .map { it.name }.toSortedSet()

    fun kotlinNames(type: KClass<*>): Set<String> =
        (type.declaredMemberProperties.filter { it.visibility == KVisibility.PUBLIC }.map { it.name } +
            type.declaredMemberFunctions.filter { it.visibility == KVisibility.PUBLIC }.map { it.name }).toSortedSet()

    // The login(…) with its settings as parameters; login(LoginSettings) takes settings made elsewhere.
    val dslLogin = TelnetServerScope::class.declaredMemberFunctions.single { f -> f.name == "login" && f.parameters.any { it.name == "check" } }
    val pairs = listOf(
        Triple("TelnetServerBuilder / TelnetServerScope", javaNames(TelnetServerBuilder::class.java), kotlinNames(TelnetServerScope::class))
            to (onlyInBuilder to onlyInDsl),
        Triple(
            "LoginSettings.Builder / TelnetServerScope.login(…)",
            javaNames(LoginSettings.Builder::class.java),
            dslLogin.parameters.filter { it.kind == KParameter.Kind.VALUE }.mapNotNull { it.name }.toSortedSet(),
        ) to (onlyInLoginBuilder to onlyInDslLogin),
    )

    /** Both sides, one setting a row, for the failure message. */
    fun table(java: Set<String>, kotlin: Set<String>): String = (java + kotlin).toSortedSet().joinToString("\n") { name ->
        "  %-28s %-28s".format(if (name in java) name else "—", if (name in kotlin) name else "—")
    }

    test("the scan sees the settings of both sides (two empty lists would agree too)") {
        val sample = setOf("host", "port", "idleTimeout", "prompt", "command", "commands", "annotatedCommands", "login", "errorFormatter", "session")
        val (_, java, kotlin) = pairs.first().first
        (sample - java) shouldBe emptySet()
        (sample - kotlin) shouldBe emptySet()
        val (_, loginJava, loginKotlin) = pairs.last().first
        (setOf("maxAttempts", "lockoutDuration") - (loginJava intersect loginKotlin)) shouldBe emptySet()
    }

    for ((names, allowed) in pairs) {
        val (what, java, kotlin) = names
        val (onlyJava, onlyKotlin) = allowed

        test("$what: every setting has the same name on both sides") {
            val missingInKotlin = java - kotlin - onlyJava.keys
            val missingInJava = kotlin - java - onlyKotlin.keys
            if (missingInKotlin.isNotEmpty() || missingInJava.isNotEmpty()) {
                fail(
                    "$what differ; rename one side, add the setting to the other, or allow-list it with a reason.\n" +
                        "Only on the Java side: $missingInKotlin; only on the Kotlin side: $missingInJava\n" +
                        "  %-28s %-28s\n".format("Java", "Kotlin") + table(java, kotlin),
                )
            }
        }

        test("$what: every allow-listed name is still on its side only") {
            onlyJava.keys.filter { it !in java || it in kotlin } shouldBe emptyList()
            onlyKotlin.keys.filter { it !in kotlin || it in java } shouldBe emptyList()
        }
    }

    test("commands means Command values and annotatedCommands annotated objects, on both sides") {
        // Java: commands(List<Command>), annotatedCommands(Object...).
        TelnetServerBuilder::class.java.declaredMethods.filter { it.name == "commands" }
            .map { it.genericParameterTypes.toList().map { t -> t.typeName } } shouldBe
            listOf(listOf("java.util.List<dev.telnetkit.shell.Command>"))
        TelnetServerBuilder::class.java.declaredMethods.filter { it.name == "annotatedCommands" }
            .map { it.parameterTypes.toList() to it.isVarArgs } shouldBe listOf(listOf(Array<Any>::class.java) to true)
        // Kotlin: commands(List<Command>), annotatedCommands(vararg Any).
        val dsl = TelnetServerScope::class.declaredMemberFunctions
        dsl.filter { it.name == "commands" }.map { f -> f.parameters.filter { it.kind == KParameter.Kind.VALUE }.map { it.type } } shouldBe
            listOf(listOf(typeOf<List<Command>>()))
        dsl.filter { it.name == "annotatedCommands" }.map { f -> f.parameters.filter { it.kind == KParameter.Kind.VALUE }.map { it.isVararg } } shouldBe
            listOf(listOf(true))
    }
})
