// The Java side of test/curator-interop.test.ts: Apache Curator's x-discovery (the real library,
// resolved from Maven Central), driven one JSON command per stdin line, answering one JSON line
// per command on stdout. Usage:
//   java -cp <classes>:<curator-x-discovery jars> CuratorDiscovery <connectString> <basePath> <payloadClass>
// <payloadClass> is the class Curator's serializer casts payloads to (java.util.Map, or the
// Spring Cloud payload class for the Spring sample), as a Java service would configure it.
//
// Commands ({"seq":N,"op":...}; the reply repeats seq, with "ok":true or "ok":false,"error"):
//   register   {"instance":{"name","address","port","sslPort"?,"id"?,"payload"?,"uriSpec"?}}
//   query      {"name"}            queryForInstances
//   provide    {"name"}            a fresh ServiceProvider: getInstance() and getAllInstances()
//   watch      {"name"}            a ServiceCache; every change prints {"event":"cache","name","instances"}
//   unregister {"name","id"}
//   quit
// Every instance is printed as Curator's getters see it, plus the URI its uriSpec builds.
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.x.discovery.ServiceCache;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.ServiceInstanceBuilder;
import org.apache.curator.x.discovery.ServiceProvider;
import org.apache.curator.x.discovery.UriSpec;

public final class CuratorDiscovery {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<ServiceCache<Object>> caches = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: CuratorDiscovery <connectString> <basePath> <payloadClass>");
      System.exit(2);
    }
    @SuppressWarnings("unchecked")
    Class<Object> payloadClass = (Class<Object>) Class.forName(args[2]);
    CuratorFramework client = CuratorFrameworkFactory.newClient(args[0], new ExponentialBackoffRetry(200, 5));
    client.start();
    ServiceDiscovery<Object> discovery = ServiceDiscoveryBuilder.builder(payloadClass).client(client).basePath(args[1]).build();
    discovery.start();
    print(Map.of("event", "ready"));
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.isBlank()) continue;
      Map<String, Object> cmd = JSON.readValue(line, Map.class);
      if ("quit".equals(cmd.get("op"))) break;
      Map<String, Object> reply = new LinkedHashMap<>();
      reply.put("seq", cmd.get("seq"));
      try {
        reply.putAll(run(discovery, cmd));
        reply.put("ok", true);
      } catch (Exception e) {
        reply.put("ok", false);
        reply.put("error", e.toString());
      }
      print(reply);
    }
    for (ServiceCache<Object> cache : caches) cache.close();
    discovery.close(); // unregisters what this program registered
    client.close();
  }

  private static Map<String, Object> run(ServiceDiscovery<Object> discovery, Map<String, Object> cmd) throws Exception {
    String op = (String) cmd.get("op");
    String name = (String) cmd.get("name");
    switch (op) {
      case "register": {
        ServiceInstance<Object> instance = build((Map<String, Object>) cmd.get("instance"));
        discovery.registerService(instance);
        return Map.of("instance", view(instance));
      }
      case "query":
        return Map.of("instances", views(discovery.queryForInstances(name)));
      case "provide": {
        // A fresh provider each time: its cache's initial load is done once start() returns,
        // so the answer reflects ZooKeeper now, not an earlier snapshot.
        ServiceProvider<Object> provider = discovery.serviceProviderBuilder().serviceName(name).build();
        provider.start();
        try {
          ServiceInstance<Object> chosen = provider.getInstance();
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("instance", chosen == null ? null : view(chosen));
          out.put("all", views(provider.getAllInstances()));
          return out;
        } finally {
          provider.close();
        }
      }
      case "watch": {
        ServiceCache<Object> cache = discovery.serviceCacheBuilder().name(name).build();
        cache.addListener(new org.apache.curator.x.discovery.details.ServiceCacheListener() {
          @Override
          public void cacheChanged() {
            printCache(name, cache);
          }

          @Override
          public void stateChanged(CuratorFramework c, org.apache.curator.framework.state.ConnectionState s) {}
        });
        cache.start();
        caches.add(cache);
        return Map.of("instances", views(cache.getInstances()));
      }
      case "unregister": {
        ServiceInstance<Object> found = discovery.queryForInstance(name, (String) cmd.get("id"));
        if (found != null) discovery.unregisterService(found);
        return Map.of("found", found != null);
      }
      default:
        throw new IllegalArgumentException("unknown op " + op);
    }
  }

  private static ServiceInstance<Object> build(Map<String, Object> spec) throws Exception {
    ServiceInstanceBuilder<Object> b = ServiceInstance.builder();
    b.name((String) spec.get("name")).address((String) spec.get("address"));
    if (spec.get("port") != null) b.port(((Number) spec.get("port")).intValue());
    if (spec.get("sslPort") != null) b.sslPort(((Number) spec.get("sslPort")).intValue());
    if (spec.get("id") != null) b.id((String) spec.get("id"));
    if (spec.get("payload") != null) b.payload(spec.get("payload"));
    if (spec.get("uriSpec") != null) b.uriSpec(new UriSpec((String) spec.get("uriSpec")));
    return b.build();
  }

  private static void printCache(String name, ServiceCache<Object> cache) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("event", "cache");
    event.put("name", name);
    event.put("instances", views(cache.getInstances()));
    print(event);
  }

  private static List<Map<String, Object>> views(Collection<ServiceInstance<Object>> instances) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (ServiceInstance<Object> i : instances) out.add(view(i));
    return out;
  }

  private static Map<String, Object> view(ServiceInstance<Object> i) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", i.getName());
    m.put("id", i.getId());
    m.put("address", i.getAddress());
    m.put("port", i.getPort());
    m.put("sslPort", i.getSslPort());
    m.put("payload", i.getPayload());
    m.put("payloadClass", i.getPayload() == null ? null : i.getPayload().getClass().getName());
    m.put("registrationTimeUTC", i.getRegistrationTimeUTC());
    m.put("serviceType", i.getServiceType().name());
    m.put("enabled", i.isEnabled());
    m.put("uri", i.getUriSpec() == null ? null : i.buildUriSpec());
    return m;
  }

  private static synchronized void print(Object value) {
    try {
      System.out.println(JSON.writeValueAsString(value));
      System.out.flush();
    } catch (Exception e) {
      System.err.println("cannot print: " + e);
    }
  }
}
