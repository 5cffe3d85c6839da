package dev.telnetkit.accounts

import dev.telnetkit.apicheck.PublicApiCheck
import io.kotest.core.spec.style.FunSpec

/**
 * The public API of telnet-accounts is the checked-in `telnet-accounts/api/telnet-accounts.api`: a change fails here with a
 * diff, and `-Dtelnetkit.api.update=true` accepts it (README: "Changing the public API").
 */
class PublicApiSpec : FunSpec({
    test("the public API of telnet-accounts matches api/telnet-accounts.api") {
        PublicApiCheck.verify("telnet-accounts")
    }
})
