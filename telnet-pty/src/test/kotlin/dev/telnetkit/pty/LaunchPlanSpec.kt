package dev.telnetkit.pty

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import java.nio.file.Path

/** The "never as root by default" rule, decided without running anything. */
class LaunchPlanSpec : FunSpec({
    val command = listOf("/bin/bash", "-l")
    val bbs = UserAccount("bbs", 1001, 1001, "/home/bbs", "/bin/bash")
    val rootAccount = UserAccount("root", 0, 0, "/root", "/bin/bash")
    val setpriv = Path.of("/usr/bin/setpriv")
    val runuser = Path.of("/usr/sbin/runuser")

    test("as root with neither runAs nor allowRoot the shell is refused") {
        val plan = LaunchPlan.decide(command, 0, null, null, allowRoot = false, tool = setpriv)
        plan.shouldBeInstanceOf<LaunchPlan.Refuse>().logReason shouldBe "the server runs as root and neither runAs nor allowRoot is set"
    }

    test("as root with allowRoot the command runs as it is") {
        LaunchPlan.decide(command, 0, null, null, allowRoot = true, tool = setpriv) shouldBe LaunchPlan.Start(command)
    }

    test("as another user without runAs the command runs as it is") {
        LaunchPlan.decide(command, 1000, null, null, allowRoot = false, tool = null) shouldBe LaunchPlan.Start(command)
    }

    test("as root with runAs the command runs through setpriv with the account's ids") {
        LaunchPlan.decide(command, 0, "bbs", bbs, allowRoot = false, tool = setpriv) shouldBe
            LaunchPlan.Start(listOf("/usr/bin/setpriv", "--reuid=1001", "--regid=1001", "--init-groups", "--") + command)
    }

    test("runuser is used when it is the tool found") {
        LaunchPlan.decide(command, 0, "bbs", bbs, allowRoot = false, tool = runuser) shouldBe
            LaunchPlan.Start(listOf("/usr/sbin/runuser", "-u", "bbs", "--") + command)
    }

    test("runAs naming a root account is refused without allowRoot") {
        LaunchPlan.decide(command, 0, "root", rootAccount, allowRoot = false, tool = setpriv).shouldBeInstanceOf<LaunchPlan.Refuse>()
    }

    test("runAs naming an unknown user is refused") {
        LaunchPlan.decide(command, 0, "ghost", null, allowRoot = false, tool = setpriv).shouldBeInstanceOf<LaunchPlan.Refuse>()
    }

    test("runAs another user from a server that is not root is refused; its own user runs directly") {
        LaunchPlan.decide(command, 1000, "bbs", bbs, allowRoot = false, tool = setpriv).shouldBeInstanceOf<LaunchPlan.Refuse>()
        LaunchPlan.decide(command, 1001, "bbs", bbs, allowRoot = false, tool = setpriv) shouldBe LaunchPlan.Start(command)
    }

    test("as root with runAs but no tool to switch user the shell is refused") {
        LaunchPlan.decide(command, 0, "bbs", bbs, allowRoot = false, tool = null).shouldBeInstanceOf<LaunchPlan.Refuse>()
    }

    test("a passwd line is parsed; a broken one is not") {
        UserAccount.parse("nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin") shouldBe
            UserAccount("nobody", 65534, 65534, "/nonexistent", "/usr/sbin/nologin")
        UserAccount.parse("nobody:x:abc") shouldBe null
    }
})
