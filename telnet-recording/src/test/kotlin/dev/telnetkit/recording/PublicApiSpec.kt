package dev.telnetkit.recording

import dev.telnetkit.apicheck.PublicApiCheck
import io.kotest.core.spec.style.FunSpec

/**
 * The public API of telnet-recording is the checked-in `telnet-recording/api/telnet-recording.api`: a change fails here with a
 * diff, and `-Dtelnetkit.api.update=true` accepts it (README: "Changing the public API").
 */
class PublicApiSpec : FunSpec({
    test("the public API of telnet-recording matches api/telnet-recording.api") {
        PublicApiCheck.verify("telnet-recording")
    }
})
