package dev.telnetkit.shell

import dev.telnetkit.session.runBlockingCode

import dev.telnetkit.terminal.Completer
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.future.await
import java.util.concurrent.CompletionStage

/**
 * A command of the shell: its names, its help texts and what it does. Immutable; checked when
 * built, so a mistake names the command.
 *
 * A command with [subcommands] is a group (`user add NAME`, `user list`): the word after the
 * group's name picks the subcommand, and `help user` lists them. A group may also have a
 * [handler] of its own, run when no subcommand matches; without one, the group prints its help.
 *
 * @property name the name, matched without regard to case.
 * @property aliases other names for the same command.
 * @property usage the parameter synopsis shown in help, such as `<text to echo>`.
 * @property summary one line for the `help` list.
 * @property description the long text of `help NAME`; the summary is shown when it is empty.
 * @property hidden left out of `help` and of completion; `help NAME` still describes it.
 * @property completer completes the command's parameters on Tab.
 * @property handler what the command does.
 * @property subcommands the commands of a group.
 */
public class Command @JvmOverloads constructor(
    public val name: String,
    public val aliases: List<String> = emptyList(),
    public val usage: String = "",
    public val summary: String = "",
    public val description: String = "",
    public val hidden: Boolean = false,
    public val completer: Completer? = null,
    public val handler: CommandHandler? = null,
    public val subcommands: List<Command> = emptyList(),
) {
    init {
        require(isValidName(name)) { "command name '$name' must be one word of printable characters, without quotes or backslashes" }
        aliases.forEach { require(isValidName(it)) { "command '$name': alias '$it' must be one word of printable characters" } }
        require(handler != null || subcommands.isNotEmpty()) { "command '$name' needs a handler or subcommands" }
        require(summary.none { it == '\n' }) { "command '$name': the summary must be one line" }
        CommandRegistry.checkUnique(subcommands, "command '$name'")
    }

    /** The name and every alias. */
    public val names: List<String> get() = listOf(name) + aliases

    /** `name usage`, as help shows it. */
    public val synopsis: String get() = if (usage.isEmpty()) name else "$name $usage"

    override fun toString(): String = "Command($name)"

    /**
     * Builds a [Command] step by step, for Java:
     *
     * ```java
     * Command echo = Command.named("echo").aliases("copy", "repeat")
     *     .usage("<text to echo>").summary("Echo text back to the console.")
     *     .handler((session, args) -> session.writeResponse(String.join(" ", args)))
     *     .build();
     * ```
     */
    public class Builder internal constructor(private val name: String) {
        private var aliases: List<String> = emptyList()
        private var usage = ""
        private var summary = ""
        private var description = ""
        private var hidden = false
        private var completer: Completer? = null
        private var handler: CommandHandler? = null
        private val subcommands = ArrayList<Command>()

        /** Other names for the command. */
        public fun aliases(vararg aliases: String): Builder = apply { this.aliases = aliases.toList() }

        /** The parameter synopsis shown in help, such as `<text to echo>`. */
        public fun usage(usage: String): Builder = apply { this.usage = usage }

        /** One line for the `help` list. */
        public fun summary(summary: String): Builder = apply { this.summary = summary }

        /** The long text of `help NAME`. */
        public fun description(description: String): Builder = apply { this.description = description }

        /** Leaves the command out of `help` and completion. */
        public fun hidden(hidden: Boolean): Builder = apply { this.hidden = hidden }

        /**
         * Completes the command's parameters on Tab. It may block, as the handlers do: it runs as a
         * [Completer.blocking] one, never on an event-loop thread.
         */
        public fun completer(completer: Completer): Builder = apply { this.completer = Completer.blocking(completer) }

        /** What the command does; it may block, and Ctrl-C interrupts it. */
        public fun handler(handler: SimpleCommandHandler): Builder = apply {
            this.handler = CommandHandler.blocking { call -> handler.handle(call.session, call.args) }
        }

        /** What the command does, with the whole [CommandCall] (raw input, name as typed); it may block. */
        public fun callHandler(handler: BlockingCommandHandler): Builder = apply { this.handler = CommandHandler.blocking(handler) }

        /**
         * What the command does, asynchronously: the command ends when the returned stage completes.
         * [handler] itself runs where blocking is allowed, as a [SimpleCommandHandler] does, never on
         * an event-loop thread: it may write to the session before it returns, and so may a stage
         * that is already complete (`completedFuture(x).thenAccept(...)` runs its action at once, on
         * that thread). Ctrl-C interrupts [handler] while it runs, then cancels the stage
         * (`CompletableFuture.cancel`).
         */
        public fun asyncHandler(handler: AsyncCommandHandler): Builder = apply {
            this.handler = CommandHandler { call ->
                var stage: CompletionStage<*>? = null
                try {
                    runBlockingCode { stage = handler.handle(call.session, call.args) }
                } catch (e: CancellationException) {
                    // Ctrl-C came just as the handler returned: the stage it made is cancelled too.
                    stage?.let { runCatching { it.toCompletableFuture().cancel(false) } }
                    throw e
                }
                // Suspends without holding a thread; cancelling the command cancels the future.
                stage!!.await()
            }
        }

        /** A Kotlin handler, for code that mixes both styles. */
        public fun suspendHandler(handler: CommandHandler): Builder = apply { this.handler = handler }

        /** Adds a subcommand, making this command a group. */
        public fun subcommand(command: Command): Builder = apply { subcommands.add(command) }

        /** Adds a subcommand, making this command a group. */
        public fun subcommand(command: Builder): Builder = subcommand(command.build())

        /** The command; throws [IllegalArgumentException] naming it if something is wrong. */
        public fun build(): Command = Command(name, aliases, usage, summary, description, hidden, completer, handler, subcommands.toList())
    }

    public companion object {
        /** Starts building a command called [name]. */
        @JvmStatic
        public fun named(name: String): Builder = Builder(name)

        private fun isValidName(s: String) = s.isNotEmpty() && s.all { it > ' ' && it != '\u007f' && it !in "\"'\\" }
    }
}
