package dev.telnetkit.samples

import dev.telnetkit.accounts.ACCOUNT_ATTRIBUTE
import dev.telnetkit.accounts.Account
import dev.telnetkit.accounts.AccountResult
import dev.telnetkit.accounts.Accounts
import dev.telnetkit.accounts.Role
import dev.telnetkit.accounts.account
import dev.telnetkit.ansi.AnsiArt
import dev.telnetkit.chat.ChatRooms
import dev.telnetkit.chat.chat
import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.pty.OsShell
import dev.telnetkit.pty.OsShellSettings
import dev.telnetkit.screens.Navigation
import dev.telnetkit.screens.ScreenContext
import dev.telnetkit.screens.Screens
import dev.telnetkit.screens.runScreens
import dev.telnetkit.screens.screens
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.session.AttributeKey
import dev.telnetkit.session.Session
import dev.telnetkit.shell.Authenticator
import dev.telnetkit.shell.LoginSettings
import dev.telnetkit.shell.Registration
import dev.telnetkit.zmodem.ZModem
import dev.telnetkit.zmodem.ZModemOutcome
import dev.telnetkit.zmodem.ZModemReceiveSettings
import dev.telnetkit.zmodem.ZModemResult
import dev.telnetkit.zmodem.ZModemUploads
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import java.nio.file.Files
import java.nio.file.Path
import java.time.Instant
import java.time.format.DateTimeFormatter
import java.time.ZoneOffset
import kotlin.io.path.fileSize
import kotlin.io.path.isRegularFile
import kotlin.io.path.listDirectoryEntries
import kotlin.io.path.name

/**
 * The BBS sample: what the "Simple Telnet Server" article's board does, built from TelnetKit's
 * BBS toolkit. A welcome banner and login with registration (`new`) against accounts in SQLite,
 * an ANSI art welcome screen, a main menu of hot keys, chat rooms, a file area with ZModem upload
 * and download, sysop screens listing the users and messaging one of them (above whatever they
 * are typing), and an OS command shell that is off unless [osShell] is given.
 *
 * The first account registered becomes the sysop. Everything lives under [dataDir]:
 * `bbs.sqlite` (the accounts) and `files/` (the file area).
 */
class Bbs(
    private val dataDir: Path,
    private val osShell: OsShellSettings? = null,
    /** The file area's limits: the largest upload, in bytes, and files per upload. */
    private val maxUploadBytes: Long = 64L shl 20,
    private val maxUploadFiles: Int = 20,
) : AutoCloseable {
    /** The accounts, in `bbs.sqlite` under the data folder. */
    val accounts: Accounts = Accounts.sqlite(Files.createDirectories(dataDir).resolve("bbs.sqlite"))

    /** The chat rooms of the board. */
    val rooms: ChatRooms = ChatRooms.create()

    /** Where uploads land and downloads come from. */
    val filesDir: Path = Files.createDirectories(dataDir.resolve("files"))

    private val uploadSettings = ZModemReceiveSettings.builder(filesDir).maxFileSize(maxUploadBytes).maxFiles(maxUploadFiles).build()

    // `sz` typed in the user's terminal at any prompt or menu starts an upload into the file area
    // (and says how it went).
    private val uploads = ZModemUploads.of(uploadSettings)

    private val welcomeArt: AnsiArt = AnsiArt.of(
        Bbs::class.java.getResourceAsStream("/bbs/welcome.ans")?.use { it.readBytes() } ?: error("bbs/welcome.ans is missing from the class path"),
    )

    /** The board's screens: welcome, main menu, file area, who, nickname, sysop screens. */
    val app: Screens = screens {
        classpathTemplates("bbs")
        value("online") { rooms.who().size }

        screen("welcome") {
            render { context ->
                // The account's lastLogin is this login by now: show the one before it, kept by the login.
                val previous = context.session.attributes[PREVIOUS_LOGIN]
                val last = previous?.let { "Last login: ${DATE.format(it.atOffset(ZoneOffset.UTC))} UTC" } ?: "Welcome, new member!"
                welcomeArt.render(context.session.colorLevel) + "\n" + last + "\n\nPress Enter for the main menu."
            }
            onEnter { Navigation.Goto("main") }
        }

        // README:start bbs-menu
        screen("main") {
            template("main.peb")
            onShow {
                // Read where suspending is allowed: the role may have changed since the login.
                session.attributes[SYSOP] = isSysop(session)
                Navigation.KeepReading
            }
            model { context ->
                mapOf(
                    "nickname" to (context.session.account?.nickname ?: context.session.username ?: "guest"),
                    "sysop" to (context.session.attributes[SYSOP] == true),
                    "osShell" to (osShell != null),
                )
            }
            hotKey('c') {
                session.writeLine()
                rooms.enter(session, rooms.settings.defaultRoom)
                Navigation.Redraw
            }
            hotKey('f') { Navigation.Goto("files") }
            hotKey('w') { Navigation.Goto("who") }
            hotKey('n') { Navigation.Goto("nickname") }
            hotKey('s') { if (isSysop(session)) Navigation.Goto("users") else Navigation.Stay }
            hotKey('m') { if (isSysop(session)) Navigation.Goto("page") else Navigation.Stay }
            hotKey('o') { runOsShell(this) }
            hotKey('q') { Navigation.Exit }
            hotKey('g') {
                session.writeLine()
                session.writeLine("Goodbye, ${session.username}.")
                session.close()
                Navigation.Exit
            }
        }
        // README:end bbs-menu

        screen("files") {
            template("files.peb")
            onShow {
                session.attributes[FILES] = fileListing()
                Navigation.KeepReading
            }
            model { context -> mapOf("files" to context.session.attributes[FILES].orEmpty()) }
            hotKey('u') { upload(this) }
            hotKey('d') { Navigation.Goto("download") }
            hotKey('b') { Navigation.Back }
            onEscape { Navigation.Back }
        }

        screen("download") {
            text("{{ bold }}Download{{ reset }}\nThe name of a file in the file area (empty to go back).\n")
            field("file", prompt = "File: ", maxLength = 255, validate = { name ->
                if (name.isNotEmpty() && areaFile(name) == null) "There is no file '$name' in the file area." else null
            }) { name ->
                if (name.isEmpty()) return@field Navigation.Back
                download(this, areaFile(name) ?: return@field Navigation.Stay)
            }
        }

        screen("who") {
            text("{{ bold }}Who is online{{ reset }}\n")
            list {
                rooms.who().map { "%-16s %-16s %-10s idle %ds".format(it.name, it.nickname ?: "", it.room ?: "-", it.idle.seconds) }
            }
        }

        screen("nickname") {
            text("{{ bold }}Your nickname{{ reset }} (shown in chat; empty to keep it)\n")
            field("nickname", prompt = "Nickname: ", maxLength = 24) { nickname ->
                if (nickname.isEmpty()) return@field Navigation.Back
                val name = session.username ?: return@field Navigation.Back
                when (val result = accounts.changeNickname(name, nickname)) {
                    is AccountResult.Success -> {
                        // The menu shows the session's account, and chat its own nickname: both follow.
                        session.attributes[ACCOUNT_ATTRIBUTE] = result.account
                        rooms.nickname(session, result.account.nickname)
                        session.writeLine("Your nickname is now ${result.account.nickname}.")
                        Navigation.Back
                    }
                    else -> {
                        session.writeLine(problem(result))
                        Navigation.Stay
                    }
                }
            }
        }

        screen("users") {
            text("{{ bold }}Sysop: users{{ reset }}\n")
            onShow {
                if (!isSysop(session)) return@onShow Navigation.Back
                // Read here, where suspending is allowed; the list shows what was read.
                session.attributes[USER_LIST] = accounts.list(0, MAX_LISTED_USERS)
                Navigation.KeepReading
            }
            list { context ->
                context.session.attributes[USER_LIST].orEmpty().map { account ->
                    "%-16s %-16s %-6s %-5s last %s".format(
                        account.name, account.nickname, account.role, if (account.locked) "LOCK" else "",
                        account.lastLogin?.let { DATE.format(it.atOffset(ZoneOffset.UTC)) } ?: "never",
                    )
                }
            }
        }

        screen("page") {
            text("{{ bold }}Sysop: message a user{{ reset }} (shown above whatever they are typing)\n")
            onShow { if (isSysop(session)) Navigation.KeepReading else Navigation.Back }
            field("user", prompt = "User: ", maxLength = 24)
            field("message", prompt = "Message: ", maxLength = 400)
            onSubmit { values ->
                val sent = rooms.messageUser(values.getValue("user"), values.getValue("message"), from = session.username ?: "sysop")
                session.writeLine(if (sent) "Sent." else "Nobody called '${values.getValue("user")}' is online.")
                Navigation.Back
            }
        }
    }

    /** The server: [options] for the socket, the accounts for the login, then the board. */
    fun server(options: DemoOptions): TelnetServer = telnetServer {
        listenAs(options)
        options.sshPort?.let { sshPort -> demoSsh(sshPort, options.sshHostKey) }
        // README:start bbs-server
        welcome = "Welcome to the TelnetKit BBS. New here? Type 'new' at the Username prompt to register."
        goodbye = "Thanks for calling."
        prompt = "bbs> "
        login(LoginSettings(keepingPreviousLogin(accounts.authenticator()), registration = firstIsSysop(accounts.registration())))
        chat(rooms)
        command("menu") {
            summary = "Back to the BBS menu."
            runScreens(app, "main")
        }
        onSessionStart {
            rooms.register(this)
            // Chat knows the session by its login name: it goes by the account's nickname there too.
            account?.let { if (it.nickname != it.name) rooms.nickname(this, it.nickname) }
            uploads.install(this)
            // The board first; its [Q] leaves to this command line, where `menu` goes back.
            app.run(this, "welcome")
        }
        // README:end bbs-server
    }

    private suspend fun isSysop(session: Session): Boolean {
        val name = session.username ?: return false
        return accounts.find(name)?.role == Role.SYSOP
    }

    /**
     * [authenticator], which records this login as the account's last one, keeping the login before
     * it for the welcome screen: the last password login, or the registration (its first session).
     */
    private fun keepingPreviousLogin(authenticator: Authenticator) = Authenticator { session, user, password ->
        val before = accounts.find(user.trim())
        authenticator.authenticate(session, user, password).also { accepted ->
            if (accepted && before != null) session.attributes[PREVIOUS_LOGIN] = before.lastLogin ?: before.created
        }
    }

    /** The first account made on a board is its sysop. */
    private fun firstIsSysop(registration: Registration) = Registration { session ->
        registration.register(session)?.also { name ->
            if (accounts.count() == 1) {
                accounts.setRole(name, Role.SYSOP)
                session.writeLine("You are the first member: you are the sysop.")
            }
        }
    }

    private suspend fun upload(context: ScreenContext): Navigation {
        val session = context.session
        session.writeLine()
        session.writeLine("Start the upload in your terminal now (sz FILE, or its ZModem send); five Ctrl-X cancel.")
        session.writeLine(describe(ZModem.receive(session, uploadSettings)))
        return pause(session)
    }

    private suspend fun download(context: ScreenContext, file: Path): Navigation {
        val session = context.session
        session.writeLine("Sending ${file.name} with ZModem: your terminal's receiver (rz) starts now; five Ctrl-X cancel.")
        session.writeLine(describe(ZModem.send(session, listOf(file))))
        return pause(session)
    }

    private suspend fun runOsShell(context: ScreenContext): Navigation {
        val session = context.session
        if (osShell == null) {
            session.writeLine()
            session.writeLine("The OS command shell is not enabled on this board.")
            return pause(session)
        }
        if (!isSysop(session)) {
            session.writeLine()
            session.writeLine("The OS command shell is for the sysop.")
            return pause(session)
        }
        session.writeLine()
        val status = OsShell.run(session, osShell)
        session.writeLine("[OS shell ended, exit status $status]")
        return pause(session)
    }

    private suspend fun pause(session: Session): Navigation {
        session.write("Press Enter to go on.")
        session.readLine(history = false)
        return Navigation.Redraw
    }

    /** The file area's files, `name  size`, by name. */
    private suspend fun fileListing(): List<String> = withContext(Dispatchers.IO) {
        filesDir.listDirectoryEntries().filter { it.isRegularFile() }.sortedBy { it.name }
            .map { "%-40s %,12d bytes".format(it.name, it.fileSize()) }
    }

    /** The file called [name] in the file area, or null: never a path outside it. */
    private fun areaFile(name: String): Path? {
        if (name.isEmpty() || name.contains('/') || name.contains('\\') || name.startsWith(".")) return null
        val file = filesDir.resolve(name).normalize()
        return file.takeIf { it.parent == filesDir.normalize() && it.isRegularFile() }
    }

    private fun describe(result: ZModemResult): String = when (result.outcome) {
        ZModemOutcome.COMPLETED -> "Transfer complete: ${result.files.size} file(s), ${result.bytesTransferred} bytes."
        ZModemOutcome.CANCELLED -> "Transfer cancelled."
        ZModemOutcome.FAILED -> "Transfer failed: ${result.reason}."
    }

    private fun problem(result: AccountResult): String = when (result) {
        is AccountResult.NicknameTaken -> "That nickname is taken."
        is AccountResult.Invalid -> result.message
        else -> "That did not work."
    }

    override fun close() {
        accounts.close()
    }

    private companion object {
        val DATE: DateTimeFormatter = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")

        /** When the user logged in before this session (set by the password login, not by registering). */
        val PREVIOUS_LOGIN = AttributeKey<Instant>("bbs.previousLogin")

        /** Whether the user is the sysop, read when the menu is shown. */
        val SYSOP = AttributeKey<Boolean>("bbs.sysop")

        /** The file area's listing, read when the screen is shown. */
        val FILES = AttributeKey<List<String>>("bbs.files")

        /** The accounts the sysop's list shows, read when the screen is shown. */
        val USER_LIST = AttributeKey<List<Account>>("bbs.users")

        /** A sample board lists at most this many accounts (a big one would page through the store). */
        const val MAX_LISTED_USERS = 1000
    }
}
