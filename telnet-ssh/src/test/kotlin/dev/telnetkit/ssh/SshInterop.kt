package dev.telnetkit.ssh

import dev.telnetkit.testkit.InteropClients
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.Enabled
import io.kotest.core.test.TestScope

/** The OpenSSH programs the SSH interop tests run. */
val SSH_CLIENTS: List<InteropClients.Program> = listOf(InteropClients.openSsh, InteropClients.sshKeygen, InteropClients.sshpass, InteropClients.tmux)

/**
 * A test with the real OpenSSH client: skipped with a message when a program of [SSH_CLIENTS] is
 * missing, or failed instead when TELNETKIT_REQUIRE_INTEROP=1 (as CI sets it).
 */
fun FunSpec.sshTest(name: String, body: suspend TestScope.() -> Unit) {
    test(name).config(enabledOrReasonIf = { InteropClients.skipReason(SSH_CLIENTS)?.let { Enabled.disabled(it) } ?: Enabled.enabled }) {
        InteropClients.requireAll(SSH_CLIENTS)
        body()
    }
}
