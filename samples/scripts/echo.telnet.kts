// A TelnetKit server as a Kotlin script: java -jar telnet-script/target/telnetkit.jar run samples/scripts/echo.telnet.kts
// The receiver is telnetServer { }'s scope; TelnetKit, kotlinx.coroutines and kotlin.time are imported.

port = 2323
welcome = "Echo server, from a script. Type 'help'."
prompt = "echo> "

command("echo") {
    summary = "Writes its arguments back"
    run { args -> writeLine(args.joinToString(" ")) }
}

command("upper") {
    summary = "Writes its arguments back in capitals"
    run { args -> writeLine(args.joinToString(" ").uppercase()) }
}

command("wait") {
    summary = "Waits the given seconds (Ctrl-C stops it), then says so"
    run { args ->
        val seconds = args.firstOrNull()?.toIntOrNull() ?: 1
        delay(seconds.seconds)
        writeLine("waited $seconds s")
    }
}
