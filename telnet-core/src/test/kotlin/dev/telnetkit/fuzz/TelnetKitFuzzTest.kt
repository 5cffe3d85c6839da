package dev.telnetkit.fuzz

import com.code_intelligence.jazzer.junit.FuzzTest

/**
 * Coverage-guided fuzz targets (Jazzer) for the units that see hostile input first: the Telnet
 * decoder, the protocol with its option negotiator, the key decoder, the line editor and the
 * command-line parser. Each checks the invariants in FuzzChecks.kt and fails on any exception.
 *
 * In a normal build (`mvn verify`) they run in regression mode: each target runs once on an empty
 * input and once on every file in `src/test/resources/dev/telnetkit/fuzz/TelnetKitFuzzTestInputs/<target>/`
 * (hand-written hostile seeds, plus any crash Jazzer has found and someone has checked in). That
 * takes a few seconds. The bounded random fuzzing of every build is FuzzSpec's job.
 *
 * Fuzzing on demand, one target per run (libFuzzer fuzzes one target per JVM), for as long as
 * JAZZER_MAX_DURATION says (the annotation's 5 minutes otherwise):
 *
 * ```
 * JAZZER_FUZZ=1 JAZZER_MAX_DURATION=10m mvn -B test -pl telnet-core -Dtest='TelnetKitFuzzTest#decoder' -Dsurefire.failIfNoSpecifiedTests=false
 * ```
 *
 * with `decoder`, `protocol`, `keyDecoder`, `lineEditor`, `parser`, or `everything` (all five units
 * behind one target: its first byte picks the unit) for one run that covers them all. A finding is
 * written to the Inputs directory above as `crash-<sha1>` and fails the run; fix the bug and commit
 * the file, and it is replayed by every build from then on. The corpus Jazzer grows meanwhile lives
 * in `telnet-core/.cifuzz-corpus/` (not committed).
 */
class TelnetKitFuzzTest {
    @FuzzTest(maxDuration = "5m")
    fun decoder(data: ByteArray) = DecoderFuzz.fromBytes(data)

    @FuzzTest(maxDuration = "5m")
    fun protocol(data: ByteArray) = ProtocolFuzz.fromBytes(data)

    @FuzzTest(maxDuration = "5m")
    fun keyDecoder(data: ByteArray) = KeyDecoderFuzz.fromBytes(data)

    @FuzzTest(maxDuration = "5m")
    fun lineEditor(data: ByteArray) = LineEditorFuzz.fromBytes(data)

    @FuzzTest(maxDuration = "5m")
    fun parser(data: ByteArray) = ParserFuzz.fromBytes(data)

    @FuzzTest(maxDuration = "5m")
    fun everything(data: ByteArray) = fuzzEverything(data)
}
