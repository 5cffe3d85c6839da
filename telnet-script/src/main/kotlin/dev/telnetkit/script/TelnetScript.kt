package dev.telnetkit.script

import dev.telnetkit.dsl.TelnetServerScope
import kotlinx.coroutines.runBlocking
import kotlin.script.experimental.annotations.KotlinScript
import kotlin.script.experimental.api.ResultWithDiagnostics
import kotlin.script.experimental.api.ScriptAcceptedLocation
import kotlin.script.experimental.api.ScriptCollectedData
import kotlin.script.experimental.api.ScriptCompilationConfiguration
import kotlin.script.experimental.api.ScriptConfigurationRefinementContext
import kotlin.script.experimental.api.ScriptEvaluationConfiguration
import kotlin.script.experimental.api.acceptedLocations
import kotlin.script.experimental.api.asSuccess
import kotlin.script.experimental.api.collectedAnnotations
import kotlin.script.experimental.api.defaultImports
import kotlin.script.experimental.api.dependencies
import kotlin.script.experimental.api.ide
import kotlin.script.experimental.api.implicitReceivers
import kotlin.script.experimental.api.onSuccess
import kotlin.script.experimental.api.refineConfiguration
import kotlin.script.experimental.api.with
import kotlin.script.experimental.dependencies.CompoundDependenciesResolver
import kotlin.script.experimental.dependencies.DependsOn
import kotlin.script.experimental.dependencies.FileSystemDependenciesResolver
import kotlin.script.experimental.dependencies.Repository
import kotlin.script.experimental.dependencies.maven.MavenDependenciesResolver
import kotlin.script.experimental.dependencies.resolveFromScriptSourceAnnotations
import kotlin.script.experimental.jvm.JvmDependency
import kotlin.script.experimental.jvm.dependenciesFromCurrentContext
import kotlin.script.experimental.jvm.jvm

/**
 * A TelnetKit server script, `*.telnet.kts`: its receiver is a [TelnetServerScope], so it
 * declares a server as the body of `telnetServer { }` does.
 *
 * ```kotlin
 * port = 2323
 * command("echo") { run { args -> writeLine(args.joinToString(" ")) } }
 * ```
 *
 * TelnetKit's packages, `kotlinx.coroutines` and `kotlin.time` (with `Duration`'s `seconds`,
 * `milliseconds` and `minutes`) are imported. `@file:DependsOn("group:artifact:version")` adds a
 * library from the local Maven repository or Maven Central, `@file:Repository(URL)` another
 * repository. Run one with `java -jar telnetkit.jar run app.telnet.kts`.
 */
@KotlinScript(
    displayName = "TelnetKit server script",
    fileExtension = "telnet.kts",
    compilationConfiguration = TelnetScriptCompilation::class,
    evaluationConfiguration = TelnetScriptEvaluation::class,
)
public abstract class TelnetScript

/** How a [TelnetScript] is compiled: receiver, default imports, class path and `@DependsOn`. */
public object TelnetScriptCompilation : ScriptCompilationConfiguration({
    // One call: a second defaultImports(...) would replace the first.
    defaultImports(listOf(DependsOn::class.qualifiedName!!, Repository::class.qualifiedName!!) + DEFAULT_IMPORTS)
    implicitReceivers(TelnetServerScope::class)
    jvm {
        // The program's own class path: TelnetKit, the coroutines, the DSL and what the jar holds.
        dependenciesFromCurrentContext(wholeClasspath = true)
    }
    refineConfiguration {
        onAnnotations(DependsOn::class, Repository::class, handler = ::resolveDependencies)
    }
    ide {
        acceptedLocations(ScriptAcceptedLocation.Everywhere)
    }
}) {
    private fun readResolve(): Any = TelnetScriptCompilation
}

/** How a [TelnetScript] is evaluated; the host gives the receiver (see [ScriptRunner]). */
public object TelnetScriptEvaluation : ScriptEvaluationConfiguration({}) {
    private fun readResolve(): Any = TelnetScriptEvaluation
}

/** Imported into every script. */
internal val DEFAULT_IMPORTS = listOf(
    "dev.telnetkit.dsl.*",
    "dev.telnetkit.server.*",
    "dev.telnetkit.session.*",
    "dev.telnetkit.shell.*",
    "dev.telnetkit.terminal.*",
    "dev.telnetkit.transport.*",
    "kotlinx.coroutines.*",
    "kotlin.time.*",
    "kotlin.time.Duration.Companion.milliseconds",
    "kotlin.time.Duration.Companion.seconds",
    "kotlin.time.Duration.Companion.minutes",
)

private val resolver = CompoundDependenciesResolver(FileSystemDependenciesResolver(), MavenDependenciesResolver())

private fun resolveDependencies(context: ScriptConfigurationRefinementContext): ResultWithDiagnostics<ScriptCompilationConfiguration> {
    val annotations = context.collectedData?.get(ScriptCollectedData.collectedAnnotations)?.takeIf { it.isNotEmpty() }
        ?: return context.compilationConfiguration.asSuccess()
    return runBlocking { resolver.resolveFromScriptSourceAnnotations(annotations) }.onSuccess { files ->
        context.compilationConfiguration.with { dependencies.append(JvmDependency(files)) }.asSuccess()
    }
}
