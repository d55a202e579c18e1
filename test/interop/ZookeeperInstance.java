// The payload class Spring Cloud Zookeeper registers with, for CuratorDiscovery to read the
// reference's Spring sample the way a Spring service does: Curator's serializer loads the class
// the payload's "@class" names, so a reader needs one by that name on its class path. Only the
// sample's three properties, as plain bean properties (written here, not copied from Spring).
package org.springframework.cloud.zookeeper.discovery;

import java.util.Map;

public class ZookeeperInstance {
  private String id;
  private String name;
  private Map<String, String> metadata;

  public String getId() {
    return id;
  }

  public void setId(String id) {
    this.id = id;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public Map<String, String> getMetadata() {
    return metadata;
  }

  public void setMetadata(Map<String, String> metadata) {
    this.metadata = metadata;
  }
}
