package dev.telnetkit.annotations

/**
 * Marks TelnetKit's engine: the interfaces a transport implements (how bytes reach a session) and
 * the classes that are public only so that TelnetKit's own modules (another transport, the testkit,
 * the benchmark) can reach them. Application code selects a transport and declares commands; it
 * never needs these. They may change in any release, so using them requires an explicit opt-in.
 */
@RequiresOptIn(
    message = "TelnetKit's engine API: for transports, the testkit and the benchmark; it may change in any release.",
    level = RequiresOptIn.Level.ERROR,
)
@Retention(AnnotationRetention.BINARY)
@Target(AnnotationTarget.CLASS, AnnotationTarget.FUNCTION, AnnotationTarget.PROPERTY, AnnotationTarget.CONSTRUCTOR, AnnotationTarget.TYPEALIAS)
public annotation class EngineApi
