package dev.telnetkit.apicheck

import org.jetbrains.kotlin.abi.tools.AbiFilters
import org.jetbrains.kotlin.abi.tools.AbiTools
import java.io.File
import java.nio.file.Files
import java.nio.file.Path
import kotlin.io.path.createDirectories
import kotlin.io.path.exists
import kotlin.io.path.isDirectory
import kotlin.io.path.readText
import kotlin.io.path.writeText
import kotlin.streams.toList

/**
 * Compares the public API of one library module, as `org.jetbrains.kotlin:abi-tools` dumps it from
 * the module's compiled classes, with the dump checked in as `api/MODULE.api` (the format of the
 * Binary Compatibility Validator: Kotlin visibility, `final`/`open`, companions, `@JvmStatic`,
 * `$default` bridges and the like, so a change that breaks compiled callers shows up in review).
 *
 * Each library module calls [verify] from its `PublicApiSpec`. The parent POM gives the test JVM
 * the paths and the update switch as system properties; run from a module directory, the defaults
 * (`target/classes`, `api/`) are the same.
 *
 * The check cannot pass vacuously: no compiled classes, an empty dump, or a missing `.api` file all
 * fail (the last unless updating), and updating is refused on CI.
 */
object PublicApiCheck {
    /** Set to `true` (`-Dtelnetkit.api.update=true`) to rewrite the `.api` files instead of comparing. */
    const val UPDATE_PROPERTY: String = "telnetkit.api.update"

    /** Regenerates the dumps of every library module (runs only the API specs). */
    const val UPDATE_COMMAND: String =
        "mvn -o test -pl telnet-core,telnet-ktor,telnet-testkit,telnet-dsl -am -Dtest=PublicApiSpec " +
            "-Dsurefire.failIfNoSpecifiedTests=false -D$UPDATE_PROPERTY=true"

    /**
     * Declarations marked with these opt-in annotations are left out of the dump, and so are the
     * classes nested in a marked class (its companion, the cases of a sealed class), which
     * abi-tools alone would keep: they are TelnetKit's engine, which may change in any release, so
     * the dump is the API users may rely on. Adding or removing the marker therefore shows up in
     * the dump as a removal or an addition.
     */
    val EXCLUDED_MARKERS: Set<String> = setOf("dev.telnetkit.annotations.EngineApi")

    /**
     * Dumps the public API of [module] and compares it with its checked-in file, or rewrites that
     * file when the [UPDATE_PROPERTY] system property is `true`.
     *
     * @throws AssertionError with a unified diff and the command that accepts the change.
     */
    fun verify(module: String) {
        verify(
            module = module,
            classes = Path.of(System.getProperty("telnetkit.api.classes") ?: "target/classes"),
            apiFile = Path.of(System.getProperty("telnetkit.api.dir") ?: "api").resolve("$module.api"),
            actualFile = Path.of(System.getProperty("telnetkit.api.actualDir") ?: "target/api").resolve("$module.api"),
            update = System.getProperty(UPDATE_PROPERTY).toBoolean(),
        )
    }

    /** [verify] with every input given; [actualFile] receives the fresh dump in either mode. */
    fun verify(module: String, classes: Path, apiFile: Path, actualFile: Path, update: Boolean) {
        val dump = dump(classes)
        if (dump.isBlank()) fail("$module: abi-tools found no public API in $classes; a library module without one is a build mistake")
        actualFile.parent.createDirectories()
        actualFile.writeText(dump)

        if (update) {
            if (System.getenv("CI").toBoolean()) {
                fail("$module: -D$UPDATE_PROPERTY=true is refused on CI; regenerate the .api files locally and commit them")
            }
            apiFile.parent.createDirectories()
            val changed = !apiFile.exists() || apiFile.readText() != dump
            apiFile.writeText(dump)
            println("$module: ${if (changed) "wrote" else "unchanged:"} ${apiFile.toAbsolutePath().normalize()}")
            return
        }
        if (!apiFile.exists()) {
            fail(
                "$module: no API dump at ${apiFile.toAbsolutePath().normalize()}.\n" +
                    "Create it (and every other module's) with\n    $UPDATE_COMMAND\nthen review and commit it.",
            )
        }
        val diff = AbiTools.getInstance().filesDiff(apiFile.toFile(), actualFile.toFile()) ?: return
        fail(
            "$module: the public API differs from the checked-in dump " +
                "(- ${apiFile.toAbsolutePath().normalize()}, + this build):\n\n$diff\n\n" +
                "If the change is intended, accept it with\n    $UPDATE_COMMAND\n" +
                "(or add -D$UPDATE_PROPERTY=true to any build that runs the tests), then commit the .api file. " +
                "If it is not intended, a public declaration changed by accident: compiled callers may break.",
        )
    }

    /** The abi-tools dump of every class file under [classes]. */
    fun dump(classes: Path): String {
        if (!classes.isDirectory()) fail("no compiled classes at $classes: compile the module first")
        val files: List<File> = Files.walk(classes).use { paths ->
            paths.filter { it.toString().endsWith(".class") }.sorted().map { it.toFile() }.toList()
        }
        if (files.isEmpty()) fail("no .class files under $classes: compile the module first")
        // abi-tools drops a marked class but keeps the classes nested in it: the classes that the
        // marker filter removes are found by comparing with an unfiltered dump, then excluded by
        // name together with everything nested in them (`Name.**`).
        val marked = classNames(dump(files, AbiFilters.EMPTY)) - classNames(dump(files, filters(emptySet())))
        val nested = marked.map { it.replace('/', '.').replace('$', '.') + ".**" }.toSet()
        return dump(files, filters(nested))
    }

    private fun filters(excludedClasses: Set<String>) = AbiFilters(emptySet(), excludedClasses, emptySet(), EXCLUDED_MARKERS)

    private fun dump(files: List<File>, filters: AbiFilters): String =
        StringBuilder().also { AbiTools.getInstance().printJvmDump(it, files, filters) }.toString()

    /** The internal names of the classes in a dump, from lines like `public final class a/b/C$D : a/b/E {`. */
    private fun classNames(dump: String): Set<String> = CLASS_HEADER.findAll(dump).map { it.groupValues[1] }.toSet()

    private val CLASS_HEADER = Regex("""^\S.*?\bclass (\S+)""", RegexOption.MULTILINE)

    private fun fail(message: String): Nothing = throw AssertionError(message)
}
