@{
    RootModule           = 'PsContainers.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '6f0b7a52-3c1e-4c8e-9a55-2f6d0c3f1b7e'
    Author               = 'PsContainers'
    CompanyName          = 'PsContainers'
    Copyright            = '(c) PsContainers contributors. MIT License.'
    Description          = 'A daemonless Linux container engine for PowerShell: OCI images, registries, containers, networks and volumes as cmdlets that emit rich objects.'
    PowerShellVersion    = '7.6'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @(
        'formats/Images.format.ps1xml'
        'formats/Runtime.format.ps1xml'
        'formats/Containers.format.ps1xml'
        'formats/Registry.format.ps1xml'
        'formats/Networking.format.ps1xml'
    )
    CmdletsToExport      = @(
        # images and storage
        'Import-ContainerImage', 'Export-ContainerImage', 'Get-ContainerImage', 'Add-ContainerImageTag',
        'Remove-ContainerImage', 'Get-ContainerDiskUsage', 'Get-ContainerVersion', 'Test-ContainerStorage',
        # engine configuration
        'Get-ContainerConfiguration', 'Set-ContainerConfiguration',
        # containers
        'Invoke-ContainerImage', 'New-Container', 'Start-Container', 'Stop-Container', 'Send-ContainerSignal',
        'Restart-Container', 'Suspend-Container', 'Resume-Container', 'Rename-Container', 'Remove-Container',
        'Wait-Container', 'Get-Container', 'Get-ContainerLog', 'Invoke-ContainerExec', 'Enter-Container',
        'Get-ContainerProcess', 'Get-ContainerStatistic', 'Copy-ContainerItem', 'Export-Container',
        # registries
        'Request-ContainerImage', 'Publish-ContainerImage', 'Connect-ContainerRegistry',
        'Disconnect-ContainerRegistry', 'Find-ContainerImage',
        # networks, ports, volumes
        'New-ContainerNetwork', 'Get-ContainerNetwork', 'Remove-ContainerNetwork', 'Connect-ContainerNetwork',
        'Disconnect-ContainerNetwork', 'Get-ContainerPort', 'New-ContainerVolume', 'Get-ContainerVolume',
        'Remove-ContainerVolume'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @(
        'Load-ContainerImage', 'Save-ContainerImage', 'Tag-ContainerImage',
        'Run-ContainerImage', 'Kill-Container', 'Exec-Container',
        'Pull-ContainerImage', 'Push-ContainerImage'
    )
    PrivateData          = @{
        PSData = @{
            Tags       = @('containers', 'oci', 'docker', 'podman', 'linux')
            ProjectUri = ''
        }
    }
}
