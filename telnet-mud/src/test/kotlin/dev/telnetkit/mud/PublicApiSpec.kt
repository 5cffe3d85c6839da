package dev.telnetkit.mud

import dev.telnetkit.apicheck.PublicApiCheck
import io.kotest.core.spec.style.FunSpec

/**
 * The public API of telnet-mud is the checked-in `telnet-mud/api/telnet-mud.api`: a change fails here with a
 * diff, and `-Dtelnetkit.api.update=true` accepts it (README: "Changing the public API").
 */
class PublicApiSpec : FunSpec({
    test("the public API of telnet-mud matches api/telnet-mud.api") {
        PublicApiCheck.verify("telnet-mud")
    }
})
