package dev.tally.standins.http;

/** How the JDK's own HTTP client ({@code HttpURLConnection}) behaves in a process that runs stand-ins. */
public final class JdkHttpClients {

    private JdkHttpClients() {
    }

    /**
     * Keeps the JDK from sending a buffered POST again on its own after a broken kept-alive connection (it does
     * unless told): the POST may have been applied, and the caller decides what to send again, as an SDK does
     * against AWS. The JDK reads the setting once, before the process's first connection, so a process sets it
     * first thing; a setting already given (on the command line) is kept.
     */
    public static void noSilentPostRetries() {
        if (System.getProperty("sun.net.http.retryPost") == null) {
            System.setProperty("sun.net.http.retryPost", "false");
        }
    }
}
