package dev.telnetkit.script

import dev.telnetkit.dsl.TelnetServerScope
import kotlinx.coroutines.runBlocking
import java.io.File
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.StandardCopyOption
import java.security.MessageDigest
import kotlin.script.experimental.api.CompiledScript
import kotlin.script.experimental.api.ResultValue
import kotlin.script.experimental.api.ResultWithDiagnostics
import kotlin.script.experimental.api.ScriptCompilationConfiguration
import kotlin.script.experimental.api.ScriptDiagnostic
import kotlin.script.experimental.api.ScriptEvaluationConfiguration
import kotlin.script.experimental.api.implicitReceivers
import kotlin.script.experimental.api.valueOrNull
import kotlin.script.experimental.host.FileScriptSource
import kotlin.script.experimental.host.createCompilationConfigurationFromTemplate
import kotlin.script.experimental.host.createEvaluationConfigurationFromTemplate
import kotlin.script.experimental.jvm.BasicJvmScriptEvaluator
import kotlin.script.experimental.jvm.defaultJvmScriptingHostConfiguration
import kotlin.script.experimental.jvm.impl.KJvmCompiledScript
import kotlin.script.experimental.jvmhost.JvmScriptCompiler
import kotlin.script.experimental.jvmhost.loadScriptFromJar
import kotlin.script.experimental.jvmhost.saveToJar

/** A script that did not compile or failed when run: [messages] are ready to print, `file:line:column: message`. */
internal class ScriptFailure(val messages: List<String>, val exitCode: Int) : Exception(messages.joinToString("\n"))

/**
 * Compiles `*.telnet.kts` scripts (or takes them from [cacheDir], keyed by a hash of their text
 * and of this program) and runs them into a fresh [TelnetServerScope].
 */
internal class ScriptRunner(private val cacheDir: Path?) {
    private val compilationConfiguration: ScriptCompilationConfiguration =
        createCompilationConfigurationFromTemplate(
            kotlin.script.experimental.api.KotlinType(TelnetScript::class),
            defaultJvmScriptingHostConfiguration,
            TelnetScript::class,
        )
    private val evaluationTemplate: ScriptEvaluationConfiguration =
        createEvaluationConfigurationFromTemplate(
            kotlin.script.experimental.api.KotlinType(TelnetScript::class),
            defaultJvmScriptingHostConfiguration,
            TelnetScript::class,
        )

    /** Times the compiler ran, and times a compiled script came from the cache (for tests and logs). */
    @Volatile var compilations: Int = 0
        private set
    @Volatile var cacheHits: Int = 0
        private set

    /** Compiles (or loads) [file] and runs it; the scope it configured, or [ScriptFailure]. */
    fun load(file: Path): TelnetServerScope {
        val compiled = compile(file)
        val scope = TelnetServerScope()
        val evaluation = ScriptEvaluationConfiguration(evaluationTemplate) { implicitReceivers(scope) }
        val result = runBlocking { BasicJvmScriptEvaluator()(compiled, evaluation) }
        val value = result.valueOrNull()
            ?: throw ScriptFailure(format(file, result.reports), EXIT_SCRIPT_FAILED)
        when (val r = value.returnValue) {
            is ResultValue.Error -> {
                val e = r.error
                throw ScriptFailure(listOf("$file: the script failed: $e") + e.stackTrace.take(8).map { "    at $it" }, EXIT_SCRIPT_FAILED)
            }
            is ResultValue.NotEvaluated -> throw ScriptFailure(listOf("$file: the script was not run"), EXIT_SCRIPT_FAILED)
            else -> {}
        }
        return scope
    }

    private fun compile(file: Path): CompiledScript {
        val text = try {
            Files.readString(file)
        } catch (e: java.io.IOException) {
            throw ScriptFailure(listOf("$file: cannot read: ${e.message ?: e.javaClass.simpleName}"), EXIT_USAGE)
        }
        val cached = cacheDir?.resolve("${cacheKey(file, text)}.jar")
        if (cached != null && Files.isRegularFile(cached)) {
            val loaded = runCatching { cached.toFile().loadScriptFromJar() }.getOrNull()
            if (loaded != null) {
                cacheHits++
                return loaded
            }
        }
        compilations++
        val source = FileScriptSource(file.toFile(), text)
        val result = runBlocking { JvmScriptCompiler(defaultJvmScriptingHostConfiguration)(source, compilationConfiguration) }
        val compiled = result.valueOrNull() ?: throw ScriptFailure(format(file, result.reports), EXIT_COMPILE_ERROR)
        if (cached != null && compiled is KJvmCompiledScript) {
            // Written beside, then moved: a reader never sees half a jar.
            runCatching {
                Files.createDirectories(cached.parent)
                val tmp = Files.createTempFile(cached.parent, "script", ".tmp")
                compiled.saveToJar(tmp.toFile())
                Files.move(tmp, cached, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE)
            }
        }
        return compiled
    }

    private fun cacheKey(file: Path, text: String): String {
        val digest = MessageDigest.getInstance("SHA-256")
        // The script's name matters (it names the script class); this program's build too
        // (a script compiled against other TelnetKit classes may not link).
        digest.update(file.fileName.toString().toByteArray())
        digest.update(0)
        digest.update(PROGRAM_STAMP.toByteArray())
        digest.update(0)
        digest.update(text.toByteArray())
        return digest.digest().joinToString("") { "%02x".format(it) }.take(40)
    }

    companion object {
        const val EXIT_SCRIPT_FAILED = 1
        const val EXIT_COMPILE_ERROR = 2
        const val EXIT_USAGE = 2

        /** This program's build: where its classes come from and when they were built. */
        private val PROGRAM_STAMP: String = run {
            val location = runCatching { File(TelnetScript::class.java.protectionDomain.codeSource.location.toURI()) }.getOrNull()
            "${KotlinVersion.CURRENT}|${location?.absolutePath}|${location?.lastModified()}"
        }

        /** Errors as `file:line:column: message`, one a line (warnings are left out). */
        fun format(file: Path, reports: List<ScriptDiagnostic>): List<String> {
            val errors = reports.filter { it.severity >= ScriptDiagnostic.Severity.ERROR }
            if (errors.isEmpty()) return listOf("$file: failed")
            return errors.map { d ->
                val start = d.location?.start
                val where = if (start != null) "$file:${start.line}:${start.col}" else "$file"
                val cause = d.exception?.let { e -> if (d.message.contains(e.toString())) "" else " ($e)" } ?: ""
                "$where: ${d.message}$cause"
            }
        }
    }
}
