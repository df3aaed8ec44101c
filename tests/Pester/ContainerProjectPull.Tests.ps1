# Compose images from a real registry (docker-registry on 127.0.0.1): Start-ContainerProject pulls what pull_policy
# (or -Pull) asks for before creating containers, never for never; Request-ContainerImage -Project pulls a running
# project's images again.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Networking.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Registry.Helpers.psm1" -Force
    $script:Root = Initialize-ContainerTestStore
    $script:Work = Join-Path $script:Root 'pullwork'
    $null = New-Item -ItemType Directory $script:Work
    $script:Reg = Start-TestRegistry -Dir (Join-Path $script:Work 'reg')
    $script:R = $script:Reg.Host
    function script:Push-TestImage([string] $Ref, [string] $Variant) {
        $archive = Join-Path $script:Work "img-$([guid]::NewGuid().ToString('N').Substring(0, 6)).tar"
        $img = New-TestImageArchive -Path $archive -Name 'busybox-test:latest' -Variant $Variant -Cmd @('sleep', '300')
        $out = & skopeo copy -q --dest-tls-verify=false "docker-archive:$archive" "docker://$Ref" 2>&1
        if ($LASTEXITCODE -ne 0) { throw "skopeo copy to $Ref failed: $out" }
        $img
    }
    $script:V1 = Push-TestImage "$($script:R)/compose/app:1" 'one'
    $null = Push-TestImage "$($script:R)/compose/off:1" 'off'
    $script:Dir = Join-Path $script:Root 'pullapp'
    $null = New-Item -ItemType Directory $script:Dir
    $script:File = Join-Path $script:Dir 'compose.yaml'
    Set-Content -Path $script:File -Value @"
services:
  app:
    image: $($script:R)/compose/app:1
    init: true
  off:
    image: $($script:R)/compose/off:1
    init: true
    pull_policy: never
"@
    $script:P = "pull$PID"
}

AfterAll {
    Remove-ContainerProject $script:P -Timeout 0 -Confirm:$false -ErrorAction SilentlyContinue
    Get-Container -All -ErrorAction SilentlyContinue | Remove-Container -Force -Confirm:$false -ErrorAction SilentlyContinue
    Stop-TestRegistryProcesses
    Wait-NetworkCleanup $script:Root
    Get-ContainerNetwork -ErrorAction SilentlyContinue | Where-Object Name -ne 'pscontainers' |
        Remove-ContainerNetwork -Force -Confirm:$false -ErrorAction SilentlyContinue
    Remove-ContainerTestStore $script:Root
}

Describe 'pull_policy and -Pull' {
    It 'pulls a missing image (default missing), never pulls for never, and names the service that has no image' {
        Get-ContainerImage "$($script:R)/compose/app:1" -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err = $null
        $null = Start-ContainerProject -Path $script:File -ProjectName $script:P -ErrorVariable err -ErrorAction SilentlyContinue -WarningVariable w
        ($w -join "`n") | Should -Not -Match 'pull_policy'
        (Get-ContainerImage "$($script:R)/compose/app:1").Id | Should -Be $script:V1.Id
        (Get-Container "$($script:P)-app-1").Status | Should -Be 'Running'
        Get-ContainerImage "$($script:R)/compose/off:1" -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        @($err).Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be 'ImageNotFound,PsContainers.Commands.StartContainerProjectCommand'
        $err[0].Exception.Message | Should -Match "^Service 'off': "
    }

    It 'refuses a periodic pull_policy (daily) before pulling or creating anything, and -Pull decides over it' {
        $null = Push-TestImage "$($script:R)/compose/daily:1" 'daily'
        $dir = Join-Path $script:Root 'dailyapp'
        $null = New-Item -ItemType Directory $dir
        $file = Join-Path $dir 'compose.yaml'
        Set-Content -Path $file -Value "services:`n  app:`n    image: $($script:R)/compose/daily:1`n    init: true`n    pull_policy: daily"
        $name = "daily$PID"
        # it loads (Import-ContainerProject shows it) ...
        (Import-ContainerProject -Path $file -ProjectName $name).Services[0].PullPolicy.ToString() | Should -Be 'daily'
        # ... but up cannot follow it: one error naming the service and the key, nothing pulled, nothing created
        $err = $null
        $out = Start-ContainerProject -Path $file -ProjectName $name -PassThru -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        @($err).Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be 'ComposePullPolicyNotSupported,PsContainers.Commands.StartContainerProjectCommand'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err[0].Exception.Message | Should -Match "^Service 'app': pull_policy 'daily' "
        Get-ContainerImage "$($script:R)/compose/daily:1" -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-Container "$name-app-1" -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ContainerNetwork "$($name)_default" -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        # -Pull decides for every service, so the project comes up
        $c = Start-ContainerProject -Path $file -ProjectName $name -Pull Missing -PassThru
        $c.Name | Should -Be "$name-app-1"
        (Get-Container "$name-app-1").Status | Should -Be 'Running'
        Remove-ContainerProject $name -Timeout 0 -Confirm:$false
    }

    It 'keeps the local image with missing and pulls the new one with -Pull Always' {
        $v2 = Push-TestImage "$($script:R)/compose/app:1" 'two'
        $v2.Id | Should -Not -Be $script:V1.Id
        $null = Start-ContainerProject -Path $script:File -ProjectName $script:P -Service app
        (Get-ContainerImage "$($script:R)/compose/app:1").Id | Should -Be $script:V1.Id
        (Get-ContainerImage "$($script:R)/compose/app:1").Id | Should -Be $script:V1.Id
        $null = Start-ContainerProject -Path $script:File -ProjectName $script:P -Service app -Pull Always
        (Get-ContainerImage "$($script:R)/compose/app:1").Id | Should -Be $v2.Id
    }

    It 'resolves a short image name with registries.conf as Request-ContainerImage does: the search registries in order (-Pull, pull_policy)' {
        $saved = $env:PSCONTAINERS_REGISTRIES_CONF
        $conf = Join-Path $script:Work 'registries.conf'
        $dead = "127.0.0.1:$(Get-FreeTcpPort)"   # a search registry that is down comes first
        Set-Content -LiteralPath $conf -Value "unqualified-search-registries = [`"$dead`", `"$($script:R)`"]"
        $env:PSCONTAINERS_REGISTRIES_CONF = $conf
        $short = Push-TestImage "$($script:R)/compose/short:1" 'short'
        $dir = Join-Path $script:Root 'shortapp'
        $null = New-Item -ItemType Directory $dir
        Set-Content -Path (Join-Path $dir 'compose.yaml') -Value "services:`n  app:`n    image: compose/short:1`n    init: true`n    pull_policy: always"
        try {
            $verbose = Start-ContainerProject -Path (Join-Path $dir 'compose.yaml') -ProjectName "short$PID" -Verbose 4>&1 |
                Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
            @($verbose | Where-Object { $_ -like 'Trying to pull *' }) |
                Should -Be @("Trying to pull $dead/compose/short:1...", "Trying to pull $($script:R)/compose/short:1...")
            (Get-ContainerImage compose/short:1).RepoTags | Should -Be @("$($script:R)/compose/short:1")
            (Get-ContainerImage compose/short:1).Id | Should -Be $short.Id
            (Get-Container "short$PID-app-1").Status | Should -Be 'Running'
        }
        finally {
            Remove-ContainerProject "short$PID" -Timeout 0 -Confirm:$false -ErrorAction SilentlyContinue
            $env:PSCONTAINERS_REGISTRIES_CONF = $saved
        }
    }

    It 'pulls the images of a running project again (Request-ContainerImage -Project)' {
        $v3 = Push-TestImage "$($script:R)/compose/app:1" 'three'
        $images = Request-ContainerImage -Project $script:P -Quiet
        @($images).Count | Should -Be 1
        $images.Id | Should -Be $v3.Id
        (Get-ContainerImage "$($script:R)/compose/app:1").Id | Should -Be $v3.Id
        { Request-ContainerImage -Project "nosuch$PID" -ErrorAction Stop } | Should -Throw -ErrorId 'ProjectNotFound,PsContainers.Commands.RequestContainerImageCommand'
    }
}
