package dev.telnetkit.shell

import dev.telnetkit.session.Session

import java.util.concurrent.CompletionStage

/**
 * A command handler for Java: the session and the parameters. It may block; Ctrl-C interrupts
 * the thread it runs on.
 *
 * ```java
 * Command.named("echo").handler((session, args) -> session.writeResponse(String.join(" ", args)))
 * ```
 */
public fun interface SimpleCommandHandler {
    /** Runs the command. */
    @Throws(Exception::class)
    public fun handle(session: Session, args: List<String>)
}

/**
 * A command handler that answers with a [CompletionStage]; the command ends when it completes,
 * and Ctrl-C cancels it (`CompletableFuture.cancel`). [handle] runs on a thread where blocking is
 * allowed, never on a socket thread: it may write to the session (`writeResponse`) before it
 * returns the stage.
 *
 * ```java
 * Command.named("later").asyncHandler((session, args) -> CompletableFuture
 *     .supplyAsync(() -> lookUp(args))
 *     .thenAccept(session::writeResponse))
 * ```
 */
public fun interface AsyncCommandHandler {
    /** Starts the command; the shell waits for the returned stage. */
    public fun handle(session: Session, args: List<String>): CompletionStage<*>
}

/** Decides a login from Java; it may block. True accepts; false or an exception rejects. */
public fun interface BlockingAuthenticator {
    /** Whether [username] with [password] may log in from [session]. */
    @Throws(Exception::class)
    public fun authenticate(session: Session, username: String, password: String): Boolean
}

/** A session hook for Java (`onSessionStart`, `onSessionEnd`); it may block. */
public fun interface BlockingSessionHook {
    /** Called with the [session]. */
    @Throws(Exception::class)
    public fun run(session: Session)
}
