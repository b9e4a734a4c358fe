package dev.tally.standins;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

import java.net.URI;

/** Real SDK clients for a stand-in or emulator on loopback: a region, dummy credentials, the URL-connection client. */
public final class LocalClients {

    public static final String REGION = "us-east-1";

    private LocalClients() {
    }

    public static <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C client(B builder, URI endpoint) {
        return builder.endpointOverride(endpoint)
                .region(Region.of(REGION))
                // s3rver insists on this pair; dynalite and kinesalite accept any
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("S3RVER", "S3RVER")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /** An S3 client for s3rver: path-style, and no chunked encoding, with which s3rver silently corrupts uploads (DESIGN.md). */
    public static S3Client s3(URI endpoint) {
        return client(S3Client.builder().serviceConfiguration(S3Configuration.builder()
                .pathStyleAccessEnabled(true).chunkedEncodingEnabled(false).build()), endpoint);
    }
}
