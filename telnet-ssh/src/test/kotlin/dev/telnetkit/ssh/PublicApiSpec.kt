package dev.telnetkit.ssh

import dev.telnetkit.apicheck.PublicApiCheck
import io.kotest.core.spec.style.FunSpec

/**
 * The public API of telnet-ssh is the checked-in `telnet-ssh/api/telnet-ssh.api`: a change fails here with a
 * diff, and `-Dtelnetkit.api.update=true` accepts it (README: "Changing the public API").
 */
class PublicApiSpec : FunSpec({
    test("the public API of telnet-ssh matches api/telnet-ssh.api") {
        PublicApiCheck.verify("telnet-ssh")
    }
})
