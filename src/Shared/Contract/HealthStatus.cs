// Part of the contract (src/Shared/Contract) but in the engine's namespace (see ContainerStatus).
namespace PsContainers.Core.Containers;

/// <summary>
/// A container's health (docker's State.Health.Status): Starting until the first success (or until the failures after
/// the start period reach the retries), then Healthy or Unhealthy. None: no healthcheck runs. health.json and JSON
/// output write the names ("Healthy"); docker's lower-case names ("healthy") read too.
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<HealthStatus>))]
public enum HealthStatus
{
    None,
    Starting,
    Healthy,
    Unhealthy,
}
