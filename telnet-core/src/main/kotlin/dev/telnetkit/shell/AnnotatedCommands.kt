package dev.telnetkit.shell

import dev.telnetkit.session.Session

import java.lang.reflect.InvocationTargetException
import java.lang.reflect.Method
import java.lang.reflect.Modifier
import java.lang.reflect.ParameterizedType
import java.util.Locale

/** Turns methods marked with [dev.telnetkit.annotations.Command] into [Command]s. */
public object AnnotatedCommands {
    /**
     * The commands of every method of [handlers] marked with the annotation, its class's own and
     * inherited ones, in name order. A mistake (a method that is not public, wrong parameters, a
     * bad name, a duplicate) throws [IllegalArgumentException] naming the method.
     */
    @JvmStatic
    public fun from(handlers: Any): List<Command> {
        val methods = annotatedMethods(handlers.javaClass).sortedBy { it.name }
        require(methods.isNotEmpty()) { "${handlers.javaClass.name} has no method marked @Command" }
        for (method in methods) {
            require(Modifier.isPublic(method.modifiers)) {
                "${where(method)}: a @Command method must be public, but it is ${visibility(method)}; make it public"
            }
        }
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

    /**
     * The methods marked with the annotation, of every visibility, declared by [type] or inherited:
     * for each signature, the most derived declaration counts (an override without the annotation
     * is not a command). Compiler-made bridges are skipped.
     */
    private fun annotatedMethods(type: Class<*>): List<Method> {
        val seen = HashSet<String>()
        val found = ArrayList<Method>()
        val types = ArrayList<Class<*>>()
        var c: Class<*>? = type
        while (c != null && c != Any::class.java) {
            types.add(c)
            c = c.superclass
        }
        // Interfaces last (their default methods), after every class that could override them.
        types.addAll(types.toList().flatMap { allInterfaces(it) }.distinct())
        for (t in types) {
            for (method in t.declaredMethods) {
                if (method.isBridge || method.isSynthetic) continue
                val signature = method.name + method.parameterTypes.joinToString(",", "(", ")") { it.name }
                val isPrivate = Modifier.isPrivate(method.modifiers)
                // A private method is never overridden, so it does not hide a superclass's method.
                if (!isPrivate && !seen.add(signature)) continue
                if (method.isAnnotationPresent(dev.telnetkit.annotations.Command::class.java)) found.add(method)
            }
        }
        return found
    }

    private fun allInterfaces(type: Class<*>): List<Class<*>> =
        type.interfaces.flatMap { listOf(it) + allInterfaces(it) }

    private fun visibility(method: Method): String = when {
        Modifier.isPrivate(method.modifiers) -> "private"
        Modifier.isProtected(method.modifiers) -> "protected"
        else -> "package-private"
    }

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
            kinds == listOf(Session::class.java, List::class.java) && isStringList(method, 1) -> { c -> arrayOf(c.session, c.args) }
            kinds == listOf(CommandCall::class.java) -> { c -> arrayOf(c) }
            else -> throw IllegalArgumentException(
                "$where: a @Command method takes (), (List<String>), (Session, List<String>) or (CommandCall); it takes $kinds",
            )
        }
        require(method.returnType == Void.TYPE || method.returnType == String::class.java) {
            "$where: a @Command method returns void or String, not ${method.returnType.name}"
        }
        val name = note.names.ifEmpty { method.name.lowercase(Locale.ROOT) }
        // A public method of a class that is not public itself (a package-private handler class, as
        // Java code often has) is not accessible to reflection from this package without this.
        if (!Modifier.isPublic(method.declaringClass.modifiers)) {
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
