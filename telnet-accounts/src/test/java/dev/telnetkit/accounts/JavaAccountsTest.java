package dev.telnetkit.accounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telnetkit.server.TelnetServer;
import dev.telnetkit.shell.Command;
import dev.telnetkit.shell.LoginSettings;
import dev.telnetkit.testkit.TelnetTestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The accounts as a Java caller uses them: the blocking store, the settings builder and one line for the login. */
@Timeout(60)
class JavaAccountsTest {
    private static AccountSettings fast() {
        return AccountSettings.builder().hashing(new PasswordHashing(256, 1, 1)).minPasswordLength(6).build();
    }

    private static TelnetServer server(LoginSettings login) throws Exception {
        return TelnetServer.builder().port(0).connectMaxWait(Duration.ofMillis(100)).prompt("java> ")
            .login(login)
            .command(Command.named("whoami").handler((session, args) -> {
                Account account = SessionAccounts.getAccount(session);
                session.writeResponse("user=" + session.getUsername() + " role=" + account.getRole() + " nick=" + account.getNickname());
            }))
            .build().start();
    }

    @Test
    void theBlockingStoreRegistersChecksAndPages() throws Exception {
        Path file = Files.createTempDirectory("accounts").resolve("java.sqlite");
        try (Accounts accounts = Accounts.sqlite(file, fast())) {
            AccountStore store = accounts.store();
            AccountResult result = store.register("ann", "secret-1", "Annie");
            Account ann = assertInstanceOf(AccountResult.Success.class, result).getAccount();
            assertEquals(Role.USER, ann.getRole());
            assertSame(AccountResult.NameTaken.INSTANCE, store.register("ANN", "secret-2", "Other"));
            assertSame(LoginResult.WrongPassword.INSTANCE, store.authenticate("ann", "nope-nope"));
            assertInstanceOf(LoginResult.Success.class, store.authenticate("ann", "secret-1"));
            assertTrue(store.setRole("ann", Role.SYSOP).isSuccess());
            List<Account> page = store.list(0, 10);
            assertEquals(1, page.size());
            assertTrue(page.get(0).isSysop());
        }
    }

    @Test
    void theLoginIsOneLineAndTheSessionCarriesTheAccount() throws Exception {
        Path file = Files.createTempDirectory("accounts").resolve("java.sqlite");
        try (Accounts accounts = Accounts.sqlite(file, fast())) {
            accounts.store().register("ann", "secret-1", "Annie");
            TelnetServer server = server(accounts.loginSettings());
            try (TelnetTestClient client = TelnetTestClient.connect("127.0.0.1", server.getPort())) {
                client.awaitText("Username: ");
                client.sendLine("ann");
                client.awaitText("Password: ");
                client.sendLine("secret-1");
                client.awaitPrompt("java> ");
                client.sendLine("whoami");
                client.awaitText("user=ann role=USER nick=Annie");
            } finally {
                server.close();
            }
        }
    }

    @Test
    void aCustomLoginKeepsTheBlockingCheckAndTheRegistration() throws Exception {
        Path file = Files.createTempDirectory("accounts").resolve("java.sqlite");
        try (Accounts accounts = Accounts.sqlite(file, fast())) {
            LoginSettings login = LoginSettings.builder(accounts.blockingAuthenticator())
                .registration(accounts.registration())
                .maxAttempts(2).failureDelay(Duration.ZERO)
                .build();
            TelnetServer server = server(login);
            try (TelnetTestClient client = TelnetTestClient.connect("127.0.0.1", server.getPort())) {
                client.awaitText("Username: ");
                client.sendLine("new");
                client.awaitText("New user name: ");
                client.sendLine("dave");
                client.awaitText("Password: ");
                client.sendLine("dave-pass");
                client.awaitText("Password again: ");
                client.sendLine("dave-pass");
                client.awaitText("Nickname [dave]: ");
                client.sendLine("Dave");
                client.awaitPrompt("java> ");
                client.sendLine("whoami");
                client.awaitText("user=dave role=USER nick=Dave");
            } finally {
                server.close();
            }
            try (TelnetTestClient client = TelnetTestClient.connect("127.0.0.1", (server = server(login)).getPort())) {
                client.awaitText("Username: ");
                client.sendLine("dave");
                client.awaitText("Password: ");
                client.sendLine("dave-pass");
                client.awaitPrompt("java> ");
            } finally {
                server.close();
            }
            assertNotNull(accounts.store().find("Dave").getLastLogin());
        }
    }
}
