package dev.telnetkit.shell

import dev.telnetkit.server.TelnetSession
import java.lang.reflect.InvocationTargetException
import java.lang.reflect.Method
import java.lang.reflect.ParameterizedType
import java.util.Locale

/** Turns methods marked with [dev.telnetkit.annotations.Command] into [Command]s. */
public object AnnotatedCommands {
    /**
     * The commands of every public method of [handlers] marked with the annotation, in name
     * order. A mistake (wrong parameters, a bad name, a duplicate) throws
     * [IllegalArgumentException] naming the method.
     */
    @JvmStatic
    public fun from(handlers: Any): List<Command> {
        val methods = handlers.javaClass.methods
            .filter { it.isAnnotationPresent(dev.telnetkit.annotations.Command::class.java) }
            .sortedBy { it.name }
        require(methods.isNotEmpty()) { "${handlers.javaClass.name} has no public method marked @Command" }
        val commands = methods.map { command(handlers, it) }
        // Checked here, not only by the registry, so that the message names both methods.
        val claimed = HashMap<String, Method>()
        for ((method, command) in methods.zip(commands)) for (n in command.names) {
            val previous = claimed.put(CommandRegistry.key(n), method)
            require(previous == null) {
                if (previous == method) "${where(method)}: lists the name '$n' twice"
                else "${where(method)}: the name '$n' is already claimed by ${where(previous!!)}"
            }
        }
        CommandRegistry.checkUnique(commands, handlers.javaClass.name)
        return commands
    }

    private fun where(method: Method) = "${method.declaringClass.name}.${method.name}"

    private fun command(target: Any, method: Method): Command {
        val where = where(method)
        val note = method.getAnnotation(dev.telnetkit.annotations.Command::class.java)
        val kinds = method.parameterTypes.toList()
        require(kinds.lastOrNull()?.name != "kotlin.coroutines.Continuation") {
            "$where: suspend functions cannot be annotated commands; declare them with the DSL's command { run { } }"
        }
        val call: (CommandCall) -> Array<Any?> = when {
            kinds.isEmpty() -> { _ -> emptyArray() }
            kinds == listOf(List::class.java) && isStringList(method, 0) -> { c -> arrayOf(c.args) }
            kinds == listOf(TelnetSession::class.java, List::class.java) && isStringList(method, 1) -> { c -> arrayOf(c.session, c.args) }
            kinds == listOf(CommandCall::class.java) -> { c -> arrayOf(c) }
            else -> throw IllegalArgumentException(
                "$where: a @Command method takes (), (List<String>), (TelnetSession, List<String>) or (CommandCall); it takes $kinds",
            )
        }
        require(method.returnType == Void.TYPE || method.returnType == String::class.java) {
            "$where: a @Command method returns void or String, not ${method.returnType.name}"
        }
        val name = note.names.ifEmpty { method.name.lowercase(Locale.ROOT) }
        // A public method of a class that is not public itself (a package-private handler class, as
        // Java code often has) is not accessible to reflection from this package without this.
        if (!java.lang.reflect.Modifier.isPublic(method.declaringClass.modifiers)) {
            require(method.trySetAccessible()) { "$where: cannot be called; make ${method.declaringClass.name} public" }
        }
        val handler = CommandHandler.blocking { c ->
            val result = try {
                method.invoke(target, *call(c))
            } catch (e: InvocationTargetException) {
                throw e.targetException
            }
            if (result is String) c.session.writeResponseBlocking(result)
        }
        return try {
            Command(name, note.aliases.toList(), note.usage, note.summary, note.description, note.hidden, null, handler)
        } catch (e: IllegalArgumentException) {
            throw IllegalArgumentException("$where: ${e.message}", e)
        }
    }

    private fun isStringList(method: Method, index: Int): Boolean {
        val type = method.genericParameterTypes[index]
        return type !is ParameterizedType || type.actualTypeArguments.singleOrNull() == String::class.java
    }
}
