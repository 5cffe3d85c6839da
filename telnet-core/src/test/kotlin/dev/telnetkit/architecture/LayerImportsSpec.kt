package dev.telnetkit.architecture

import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldContainAll
import io.kotest.matchers.shouldBe
import java.io.File

/**
 * The layers of telnet-core, lowest first (../shared/DESIGN.md, "Layers"): nothing lower imports
 * anything higher, and the two pure state-machine packages do not import each other. A file that
 * breaks the rule fails the build, naming the file, the import and the rule.
 */
class LayerImportsSpec : FunSpec({
    val sources = File("src/main/kotlin/dev/telnetkit")

    test("every package of telnet-core has a layer") {
        val packages = kotlinFiles(sources).map { packageOf(it) }.toSet()
        withClue("packages without a layer in LAYERS: add them where they belong") {
            packages.filter { layerOf(it) == null }.shouldBeEmpty()
        }
        packages.map { layerOf(it)!!.name }.toSet() shouldContainAll listOf("protocol", "terminal", "session", "shell", "wire", "transport", "server")
    }

    test("nothing lower imports anything higher") {
        val violations = kotlinFiles(sources).flatMap { file ->
            val from = layerOf(packageOf(file))!!
            importsOf(file).mapNotNull { imported ->
                val to = layerOf(imported.substringBeforeLast('.')) ?: return@mapNotNull null
                when {
                    to.rank > from.rank -> "${file.relativeTo(sources)}: ${from.name} (layer ${from.rank}) imports $imported from ${to.name} (layer ${to.rank}), a higher layer"
                    to.rank == from.rank && to.name != from.name -> "${file.relativeTo(sources)}: ${from.name} imports $imported from ${to.name}: peers on one layer stay apart"
                    else -> null
                }
            }
        }
        withClue("forbidden imports (move the code to the layer it belongs to, or invert the dependency with an interface below)") {
            violations.shouldBeEmpty()
        }
    }

    test("the rule sees a violation: a session file importing the server would be caught") {
        val from = layerOf("dev.telnetkit.session")!!
        val to = layerOf("dev.telnetkit.server")!!
        (to.rank > from.rank) shouldBe true
        val shellFrom = layerOf("dev.telnetkit.shell")!!
        (layerOf("dev.telnetkit.transport.nio")!!.rank > shellFrom.rank) shouldBe true
        (layerOf("dev.telnetkit.protocol")!!.rank == layerOf("dev.telnetkit.terminal")!!.rank) shouldBe true
        (layerOf("dev.telnetkit.ansi")!!.rank > layerOf("dev.telnetkit.terminal")!!.rank) shouldBe true
        (layerOf("dev.telnetkit.ansi")!!.rank < layerOf("dev.telnetkit.session")!!.rank) shouldBe true
    }
})

private class Layer(val name: String, val rank: Int)

// Lowest first. A package belongs to the longest prefix listed (transport.nio is in transport).
private val LAYERS = listOf(
    "annotations" to 0,
    "protocol" to 1,
    "terminal" to 1,
    // The ANSI toolkit sits on the terminal layer's text measuring (CharacterWidth) and below sessions.
    "ansi" to 2,
    "session" to 3,
    "shell" to 4,
    "wire" to 5,
    "transport" to 6,
    "server" to 7,
)

private fun layerOf(pkg: String): Layer? {
    if (!pkg.startsWith("dev.telnetkit.")) return null
    val rest = pkg.removePrefix("dev.telnetkit.")
    return LAYERS.filter { (name, _) -> rest == name || rest.startsWith("$name.") }
        .maxByOrNull { it.first.length }
        ?.let { (name, rank) -> Layer(name, rank) }
}

private fun kotlinFiles(root: File): List<File> = root.walkTopDown().filter { it.isFile && it.extension == "kt" }.toList()

private fun packageOf(file: File): String =
    file.useLines { lines -> lines.first { it.startsWith("package ") }.removePrefix("package ").trim() }

/** Imported dev.telnetkit names, as `dev.telnetkit.pkg.Name`; fully qualified uses in code count too. */
private fun importsOf(file: File): List<String> {
    val text = file.readText()
    val imports = Regex("""^import\s+(dev\.telnetkit\.[\w.]+)""", RegexOption.MULTILINE).findAll(text).map { it.groupValues[1] }
    val qualified = Regex("""(?<![\w.])(dev\.telnetkit\.(?:[a-z]\w*\.)+[A-Z]\w*)""").findAll(
        text.lines().filterNot { it.trimStart().startsWith("import ") || it.trimStart().startsWith("package ") || it.trimStart().startsWith("*") || it.trimStart().startsWith("//") }.joinToString("\n"),
    ).map { it.groupValues[1] }
    return (imports + qualified).distinct().toList()
}
