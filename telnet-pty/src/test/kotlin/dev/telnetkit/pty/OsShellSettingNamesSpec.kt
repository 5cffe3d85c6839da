package dev.telnetkit.pty

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

/** The DSL block, the settings class and its Java builder use the same names for the same settings. */
class OsShellSettingNamesSpec : FunSpec({
    fun getters(type: Class<*>): Set<String> = type.methods
        .filter { it.name.startsWith("get") && it.parameterCount == 0 && it.declaringClass == type }
        .map { it.name.removePrefix("get").substringBefore('-').replaceFirstChar(Char::lowercase) }
        .toSet()

    test("every setting has the same name in OsShellScope, OsShellSettings and OsShellSettings.Builder") {
        val settings = getters(OsShellSettings::class.java)
        getters(OsShellScope::class.java) - "summary" shouldBe settings
        val builder = OsShellSettings.Builder::class.java.methods
            .filter { it.declaringClass == OsShellSettings.Builder::class.java && it.name != "build" }
            .map { it.name }.toSet()
        builder shouldBe settings - "command"
    }
})
