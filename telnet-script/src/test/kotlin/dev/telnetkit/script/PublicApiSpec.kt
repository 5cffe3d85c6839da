package dev.telnetkit.script

import dev.telnetkit.apicheck.PublicApiCheck
import io.kotest.core.spec.style.FunSpec

/**
 * The public API of telnet-script is the checked-in `telnet-script/api/telnet-script.api`: a change fails here with a
 * diff, and `-Dtelnetkit.api.update=true` accepts it (README: "Changing the public API").
 */
class PublicApiSpec : FunSpec({
    test("the public API of telnet-script matches api/telnet-script.api") {
        PublicApiCheck.verify("telnet-script")
    }
})
