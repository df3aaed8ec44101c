@{
    RootModule           = 'PsContainers.dll'
    # build.ps1 writes the version from Directory.Build.props (<Version>) here when it lays out out/PsContainers
    ModuleVersion        = '{{ModuleVersion}}'
    GUID                 = '6f0b7a52-3c1e-4c8e-9a55-2f6d0c3f1b7e'
    Author               = 'PsContainers'
    CompanyName          = 'PsContainers'
    Copyright            = '(c) PsContainers contributors. MIT License.'
    Description          = 'A daemonless Linux container engine for PowerShell 7: OCI images, registries, containers, networks and volumes as cmdlets that emit rich objects, like Docker and Podman without a daemon. Linux only (x64); running containers needs root.'
    PowerShellVersion    = '7.6'
    CompatiblePSEditions = @('Core')
    # Restores the execute bits of the native helpers in bin/ that a NuGet package (a zip) loses; see the script
    NestedModules        = @('PsContainers.NativeHelpers.ps1')
    # how the objects cross remoting, jobs and Export-Clixml (enums as names, nested state kept): see the file
    TypesToProcess       = @('types/PsContainers.types.ps1xml')
    FormatsToProcess     = @(
        'formats/Images.format.ps1xml'
        'formats/Runtime.format.ps1xml'
        'formats/Containers.format.ps1xml'
        'formats/Registry.format.ps1xml'
        'formats/Networking.format.ps1xml'
        'formats/Inspection.format.ps1xml'
        'formats/Prune.format.ps1xml'
        'formats/Projects.format.ps1xml'
        'formats/Kube.format.ps1xml'
        'formats/Pods.format.ps1xml'
    )
    CmdletsToExport      = @(
        # images and storage
        'Import-ContainerImage', 'Export-ContainerImage', 'Build-ContainerImage', 'Get-ContainerImage', 'Add-ContainerImageTag',
        'Remove-ContainerImage', 'Get-ContainerDiskUsage', 'Get-ContainerVersion', 'Get-ContainerSystemInfo', 'Test-ContainerStorage',
        # engine configuration
        'Get-ContainerConfiguration', 'Set-ContainerConfiguration',
        # containers
        'Invoke-ContainerImage', 'New-Container', 'Start-Container', 'Stop-Container', 'Send-ContainerSignal',
        'Restart-Container', 'Restore-Container', 'Connect-Container', 'Register-ContainerBootService', 'Unregister-ContainerBootService', 'Suspend-Container', 'Resume-Container', 'Rename-Container', 'Remove-Container', 'Update-Container',
        'Wait-Container', 'Get-Container', 'Get-ContainerLog', 'Get-ContainerEvent', 'Get-ContainerChange', 'Invoke-ContainerExec', 'Enter-Container',
        'Get-ContainerProcess', 'Get-ContainerStatistic', 'Copy-ContainerItem', 'Export-Container', 'ConvertTo-ContainerImage',
        # registries
        'Request-ContainerImage', 'Publish-ContainerImage', 'Connect-ContainerRegistry',
        'Disconnect-ContainerRegistry', 'Find-ContainerImage',
        # networks, ports, volumes
        'New-ContainerNetwork', 'Get-ContainerNetwork', 'Remove-ContainerNetwork', 'Connect-ContainerNetwork',
        'Disconnect-ContainerNetwork', 'Get-ContainerPort', 'New-ContainerVolume', 'Get-ContainerVolume',
        'Remove-ContainerVolume',
        # compose projects
        'Import-ContainerProject', 'Export-ContainerProject', 'Test-ContainerProject',
        'Start-ContainerProject', 'Stop-ContainerProject', 'Restart-ContainerProject', 'Remove-ContainerProject',
        'Get-ContainerProject', 'Suspend-ContainerProject', 'Resume-ContainerProject', 'Wait-ContainerProject',
        'Compare-ContainerProject', 'Invoke-ContainerProject',
        # pods
        'New-ContainerPod', 'Get-ContainerPod', 'Start-ContainerPod', 'Stop-ContainerPod', 'Restart-ContainerPod',
        'Remove-ContainerPod', 'Suspend-ContainerPod', 'Resume-ContainerPod',
        # Kubernetes manifests
        'ConvertTo-ContainerKubeYaml', 'Export-ContainerKube', 'Test-ContainerKube', 'Import-ContainerKube', 'Remove-ContainerKube',
        # prune
        'Clear-ContainerSystem'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @(
        'Load-ContainerImage', 'Save-ContainerImage', 'Tag-ContainerImage',
        'Run-ContainerImage', 'Kill-Container', 'Exec-Container', 'Diff-Container', 'Attach-Container',
        'Pull-ContainerImage', 'Push-ContainerImage', 'Commit-Container'
    )
    PrivateData          = @{
        PSData = @{
            Tags         = @('containers', 'docker', 'podman', 'oci', 'Linux', 'PSEdition_Core')
            # placeholders until the project has a public home: set both before publishing to a gallery
            ProjectUri   = 'https://example.com/PsContainers'
            LicenseUri   = 'https://example.com/PsContainers/blob/main/LICENSE'
            ReleaseNotes = 'Linux only (x64); containers need root. Release notes: https://example.com/PsContainers/releases'
        }
    }
}
