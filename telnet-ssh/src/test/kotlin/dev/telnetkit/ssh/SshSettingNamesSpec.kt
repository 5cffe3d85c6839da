package dev.telnetkit.ssh

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import java.lang.reflect.Modifier
import kotlin.reflect.KVisibility
import kotlin.reflect.full.declaredMemberFunctions
import kotlin.reflect.full.declaredMemberProperties

/**
 * The Java builder ([SshSettings.Builder]) and the DSL's `ssh { }` block ([SshScope]) name every
 * setting alike; a setting added to one side only fails here, unless listed with its reason.
 */
class SshSettingNamesSpec : FunSpec({
    val onlyInBuilder = mapOf("build" to "the DSL builds the settings when ssh { } returns")
    val onlyInDsl = mapOf("file" to "a path helper for hostKey = file(\"host.key\")")

    test("SshSettings.Builder and SshScope have the same settings") {
        val java = SshSettings.Builder::class.java.declaredMethods
            .filter { Modifier.isPublic(it.modifiers) && !it.isSynthetic && !Modifier.isStatic(it.modifiers) }
            .map { it.name }.toSortedSet()
        val kotlin = (SshScope::class.declaredMemberProperties.filter { it.visibility == KVisibility.PUBLIC }.map { it.name } +
            SshScope::class.declaredMemberFunctions.filter { it.visibility == KVisibility.PUBLIC }.map { it.name }).toSortedSet()
        (java - kotlin - onlyInBuilder.keys) shouldBe emptySet()
        (kotlin - java - onlyInDsl.keys) shouldBe emptySet()
    }
})
