package dev.instrumentor.operator.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.VersionInfo;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Whether the server the kubeconfig names is a Kubernetes API server that lets us in, asked once with
 * {@code GET /version} before anything starts: a wrong URL, a web server that is not Kubernetes or
 * refused credentials each get one sentence, not the stack traces of the informers that would follow.
 */
final class KubernetesProbe {

  private KubernetesProbe() {
  }

  /** Null when {@code client} reaches a Kubernetes API server; else what is wrong, as a sentence. */
  static String problem(KubernetesClient client, String masterUrl) {
    String url = masterUrl.endsWith("/") ? masterUrl.substring(0, masterUrl.length() - 1) : masterUrl;
    VersionInfo version;
    try {
      version = client.getKubernetesVersion();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 401 || e.getCode() == 403) {
        return url + " refused the kubeconfig's credentials (HTTP " + e.getCode() + " to GET /version): check the user"
            + " of the context";
      }
      if (e.getCode() > 0) {
        return url + " answered GET /version with HTTP " + e.getCode() + ": it is not a Kubernetes API server."
            + " Point KUBECONFIG or --context at a cluster";
      }
      return unreachable(url, e);
    } catch (RuntimeException e) {
      return unreachable(url, e);
    }
    if (version == null || version.getMajor() == null) {
      return url + " answered GET /version without a Kubernetes version: it is not a Kubernetes API server."
          + " Point KUBECONFIG or --context at a cluster";
    }
    return null;
  }

  private static String unreachable(String url, RuntimeException e) {
    Throwable cause = e;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof JsonProcessingException) {
      return url + " answered GET /version with something that is not Kubernetes' JSON: it is not a Kubernetes API"
          + " server. Point KUBECONFIG or --context at a cluster";
    }
    return "cannot reach the Kubernetes API server at " + url + " (" + inWords(e) + "). Point KUBECONFIG or --context"
        + " at a cluster";
  }

  /** What went wrong on the way, in words: the first cause in the chain that is one of the usual network failures. */
  private static String inWords(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof ConnectException) {
        return "connection refused: nothing listens at that address and port";
      }
      if (cause instanceof UnknownHostException) {
        return "unknown host " + cause.getMessage();
      }
      if (cause instanceof NoRouteToHostException) {
        return "no route to that host";
      }
      if (cause instanceof SocketTimeoutException || cause instanceof HttpTimeoutException
          || cause instanceof TimeoutException) {
        return "no answer in time";
      }
      if (cause instanceof ClosedChannelException || cause instanceof EOFException
          || cause instanceof SSLException) {
        return "the server closed the connection before answering (" + cause.getClass().getSimpleName()
            + "): is this the API server's HTTPS address and port?";
      }
    }
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
