package dev.telnetkit.samples

import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.Enabled
import io.kotest.matchers.collections.shouldContainExactlyInAnyOrder
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotBeBlank
import org.w3c.dom.Element
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import java.io.File
import java.nio.file.Files
import java.security.MessageDigest
import java.util.concurrent.TimeUnit
import java.util.jar.JarFile
import javax.xml.parsers.DocumentBuilderFactory

private val root: File = generateSequence(File("").absoluteFile) { it.parentFile }
    .first { File(it, "pom.xml").isFile && File(it, "samples").isDirectory && File(it, "telnet-core").isDirectory }

private fun xml(file: File): Element =
    DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file).documentElement

/** The direct child elements of [parent] called [name]. */
private fun Element.children(name: String): List<Element> =
    (0 until childNodes.length).map { childNodes.item(it) }.filterIsInstance<Element>().filter { it.tagName == name }

private fun Element.child(name: String): Element? = children(name).firstOrNull()

private fun Element.text(path: String): String? =
    path.split('/').fold(this as Element?) { element, name -> element?.child(name) }?.textContent?.trim()

private val parentPom = xml(File(root, "pom.xml"))
private val version: String = parentPom.text("version")!!

/** A module of the root POM's default build: its directory, artifactId, packaging, and whether it deploys. */
private data class Module(val dir: File, val artifactId: String, val packaging: String, val deploys: Boolean)

private val modules: List<Module> = parentPom.child("modules")!!.children("module").map { element ->
    val dir = File(root, element.textContent.trim())
    val pom = xml(File(dir, "pom.xml"))
    Module(
        dir,
        pom.text("artifactId")!!,
        pom.text("packaging") ?: "jar",
        pom.text("properties/maven.deploy.skip") != "true",
    )
}

private fun mavenOnPath(): File? =
    System.getenv("PATH").orEmpty().split(File.pathSeparator).map { File(it, "mvn") }.firstOrNull { it.canExecute() }

/** Why the deploy cannot be tried here, or null when it can. */
private fun deployUnavailable(libraries: List<Module>): String? = when {
    mavenOnPath() == null -> "no mvn on the PATH"
    libraries.any { !File(it.dir, "target/classes").isDirectory } -> "the libraries are not compiled (run mvn verify or -pl samples -am)"
    else -> null
}

/**
 * A copy of the build (the POMs, and each library's sources and compiled classes) in a temporary
 * directory, so that packaging there touches none of this build's jars, which running tests may
 * have open. Nothing is compiled again.
 */
private fun copyOfBuild(libraries: List<Module>): File {
    val copy = Files.createTempDirectory("telnetkit-deploy-check").toFile()
    File(root, "pom.xml").copyTo(File(copy, "pom.xml"))
    File(root, "LICENSE").copyTo(File(copy, "LICENSE"))
    for (module in modules) {
        val target = File(copy, module.dir.name)
        File(module.dir, "pom.xml").copyTo(File(target, "pom.xml"))
        if (module in libraries) {
            File(module.dir, "src/main").copyRecursively(File(target, "src/main"))
            File(module.dir, "target/classes").copyRecursively(File(target, "target/classes"))
        }
    }
    return copy
}

/**
 * A local repository for the child Maven that reads everything from the user's (~/.m2, through
 * links) except dev/telnetkit, which is its own: deploying caches the target repository's metadata
 * in the local repository, and the shared one must not get any of TelnetKit's.
 */
private fun localRepositoryFor(copy: File): File {
    val shared = File(System.getProperty("maven.repo.local") ?: (System.getProperty("user.home") + "/.m2/repository"))
    val local = File(copy, "local-repository")
    if (local.isDirectory) return local
    local.mkdirs()
    for (entry in shared.listFiles().orEmpty()) {
        if (entry.name == "dev") {
            val dev = File(local, "dev").apply { mkdirs() }
            for (group in entry.listFiles().orEmpty()) {
                if (group.name != "telnetkit") Files.createSymbolicLink(File(dev, group.name).toPath(), group.toPath())
            }
        } else {
            Files.createSymbolicLink(File(local, entry.name).toPath(), entry.toPath())
        }
    }
    return local
}

/**
 * Deletes [dir] without following links: the local repository links into ~/.m2, and File's
 * deleteRecursively would follow them and empty it.
 */
private fun deleteWithoutFollowingLinks(dir: File) {
    Files.walk(dir.toPath()).use { paths -> paths.sorted(Comparator.reverseOrder()).forEach { Files.delete(it) } }
}

/** Runs Maven in [dir] with [args], not offline (the deploy plugin refuses to run offline; nothing is downloaded that is not cached). */
private suspend fun maven(dir: File, vararg args: String): Pair<Int, String> = withContext(Dispatchers.IO) {
    val log = File(dir, "mvn-${System.nanoTime()}.log")
    val local = "-Dmaven.repo.local=" + localRepositoryFor(dir).path
    val process = ProcessBuilder(listOf(mavenOnPath()!!.path, "-B", "-q", local) + args)
        .directory(dir)
        .redirectErrorStream(true)
        .redirectOutput(log)
        .redirectInput(ProcessBuilder.Redirect.from(File("/dev/null")))
        .start()
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS)
        return@withContext -1 to "timed out: ${log.readText()}"
    }
    process.exitValue() to log.readText()
}

/**
 * The newest deployed file of [artifactId] with [suffix] (`.pom`, `.jar`, `-sources.jar`, ...) in
 * [repository]: a snapshot is deployed with a timestamp and build number in its name.
 */
private fun deployed(repository: File, artifactId: String, suffix: String): File {
    val dir = File(repository, "dev/telnetkit/$artifactId/$version")
    val base = version.removeSuffix("-SNAPSHOT")
    val pattern = Regex(Regex.escape("$artifactId-$base") + """(?:-\d{8}\.\d{6}-(\d+))?""" + Regex.escape(suffix))
    val found = dir.listFiles().orEmpty().mapNotNull { file -> pattern.matchEntire(file.name)?.let { file to (it.groupValues[1].toIntOrNull() ?: 0) } }
    withClue("$suffix of $artifactId in $dir: ${dir.list()?.sorted()}") { found.isEmpty() shouldBe false }
    return found.maxBy { it.second }.first
}

private fun hex(bytes: ByteArray, algorithm: String): String =
    MessageDigest.getInstance(algorithm).digest(bytes).joinToString("") { "%02x".format(it) }

/** The file is there with the checksums a repository keeps beside it, and they match. */
private fun checkChecksums(file: File) {
    val bytes = file.readBytes()
    File(file.path + ".sha1").readText().trim() shouldBe hex(bytes, "SHA-1")
    File(file.path + ".md5").readText().trim() shouldBe hex(bytes, "MD5")
}

/** What Maven Central requires of a POM (here or inherited from [inheritFrom]). */
private fun checkCentralMetadata(pom: Element, inheritFrom: Element? = null) {
    fun value(path: String) = pom.text(path) ?: inheritFrom?.text(path)
    for (path in listOf("name", "description", "url", "licenses/license/name", "licenses/license/url", "developers/developer/name", "scm/url", "scm/connection")) {
        withClue(path) { value(path).orEmpty().shouldNotBeBlank() }
    }
    value("licenses/license/name") shouldBe "Apache-2.0"
}

/**
 * Ready to publish: the LICENSE, the metadata Maven Central requires, the BOM, and a deploy to a
 * file repository (on a copy of the build, without compiling again: about half a minute) that
 * leaves each library's jar, -sources.jar, -javadoc.jar and POM there with checksums, and the
 * parent and the BOM.
 */
class DeployCheckSpec : FunSpec({
    val libraries = modules.filter { it.deploys && it.packaging == "jar" }

    test("the root has the Apache 2.0 LICENSE and the parent POM the metadata Maven Central requires") {
        val license = File(root, "LICENSE").readText()
        license shouldContain "Apache License"
        license shouldContain "Version 2.0, January 2004"
        checkCentralMetadata(parentPom)
    }

    test("the BOM manages every published library, at the project's version") {
        val bomModule = modules.single { it.artifactId == "telnetkit-bom" }
        val bom = xml(File(bomModule.dir, "pom.xml"))
        bom.text("version") shouldBe version
        bom.text("packaging") shouldBe "pom"
        bom.child("parent") shouldBe null
        checkCentralMetadata(bom)
        val managed = bom.child("dependencyManagement")!!.child("dependencies")!!.children("dependency")
        managed.map { it.text("artifactId") } shouldContainExactlyInAnyOrder libraries.map { it.artifactId }
        for (dependency in managed) {
            dependency.text("groupId") shouldBe "dev.telnetkit"
            dependency.text("version") shouldBe "\${project.version}"
        }
        libraries.map { it.artifactId } shouldContainExactlyInAnyOrder listOf(
            "telnet-core", "telnet-ktor", "telnet-testkit", "telnet-dsl", "telnet-ssh",
            "telnet-screens", "telnet-accounts", "telnet-zmodem", "telnet-chat", "telnet-pty", "telnet-mud",
            "telnet-recording", "telnet-web", "telnet-metrics",
        )
    }

    test("mvn deploy to a file repository: each library's jar, sources, API docs and POM, the parent and the BOM, with checksums; an outside project builds against them alone and runs its kotest spec and JUnit 5 test")
        .config(enabledOrReasonIf = { deployUnavailable(libraries)?.let { Enabled.disabled(it) } ?: Enabled.enabled }) {
            val copy = copyOfBuild(libraries)
            try {
                val repository = File(copy, "repository")
                val target = "-DaltDeploymentRepository=deploy-check::file://${repository.path}"
                // What `mvn deploy` runs after compiling and testing, with the executions of the
                // build's own POMs: the jar, the -sources.jar and the -javadoc.jar attached, then
                // deploy:deploy. The parent and the BOM are POMs only.
                val libraryList = libraries.joinToString(",") { it.dir.name }
                val (jars, jarsLog) = maven(
                    copy, "-pl", libraryList, target,
                    "build-helper:add-source@kotlin-source-root", "jar:jar", "source:jar-no-fork", "jar:jar@placeholder-javadoc", "deploy:deploy",
                )
                withClue(jarsLog) { jars shouldBe 0 }
                val (poms, pomsLog) = maven(copy, "-pl", ":telnetkit-parent,:telnetkit-bom", target, "deploy:deploy")
                withClue(pomsLog) { poms shouldBe 0 }

                for (library in libraries) withClue(library.artifactId) {
                    val pom = deployed(repository, library.artifactId, ".pom")
                    val jar = deployed(repository, library.artifactId, ".jar")
                    val sources = deployed(repository, library.artifactId, "-sources.jar")
                    val javadoc = deployed(repository, library.artifactId, "-javadoc.jar")
                    listOf(pom, jar, sources, javadoc).forEach(::checkChecksums)
                    File(repository, "dev/telnetkit/${library.artifactId}/maven-metadata.xml").isFile shouldBe true

                    val classes = File(library.dir, "target/classes").walk().count { it.name.endsWith(".class") }
                    JarFile(jar).use { zip -> zip.entries().toList().count { it.name.endsWith(".class") } shouldBe classes }
                    JarFile(sources).use { zip -> zip.entries().toList().count { it.name.endsWith(".kt") } shouldNotBe 0 }
                    JarFile(javadoc).use { zip -> zip.manifest shouldNotBe null }

                    val model = xml(pom)
                    model.text("parent/artifactId") shouldBe "telnetkit-parent"
                    model.text("parent/version") shouldBe version
                    checkCentralMetadata(model, inheritFrom = parentPom)
                }
                val parent = deployed(repository, "telnetkit-parent", ".pom")
                checkChecksums(parent)
                checkCentralMetadata(xml(parent))
                val bom = deployed(repository, "telnetkit-bom", ".pom")
                checkChecksums(bom)
                xml(bom).text("packaging") shouldBe "pom"
                // Nothing else: the modules that are not libraries publish nothing.
                File(repository, "dev/telnetkit").list()!!.toList() shouldContainExactlyInAnyOrder
                    libraries.map { it.artifactId } + listOf("telnetkit-parent", "telnetkit-bom")

                // An outside project, set up as README's "Use it in your project" says, built
                // against what was deployed only (its local repository has no dev.telnetkit of
                // its own): the BOM, the DSL, the testkit, a kotest spec and a JUnit 5 test.
                val outside = File(copy, "outside-project")
                File(root, "samples/outside-project").copyRecursively(outside)
                File(outside, "target").deleteRecursively()
                val settings = File(copy, "settings.xml").apply {
                    writeText(
                        "<settings><profiles><profile><id>deployed</id><activation><activeByDefault>true</activeByDefault></activation>" +
                            "<repositories><repository><id>deploy-check</id><url>file://${repository.path}</url>" +
                            "<snapshots><enabled>true</enabled></snapshots></repository></repositories></profile></profiles></settings>",
                    )
                }
                val (built, builtLog) = maven(outside, "-s", settings.path, "test")
                withClue(builtLog) { built shouldBe 0 }
                for (test in listOf("app.MyServerSpec", "app.JavaMainTest")) withClue(test) {
                    val report = xml(File(outside, "target/surefire-reports/TEST-$test.xml"))
                    report.getAttribute("tests").toInt() shouldBe 1
                    report.getAttribute("failures") shouldBe "0"
                    report.getAttribute("errors") shouldBe "0"
                }
            } finally {
                deleteWithoutFollowingLinks(copy)
            }
        }
})
