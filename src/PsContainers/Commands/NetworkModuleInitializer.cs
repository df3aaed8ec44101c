using System.Management.Automation;
using PsContainers.Core.Networking;

namespace PsContainers.Commands;

/// <summary>On module import: networks, ports and volumes join the container lifecycle.</summary>
public sealed class NetworkModuleInitializer : IModuleAssemblyInitializer
{
    public void OnImport() => ContainerNetworkHook.Register();
}
