# Unqualified image names resolve as podman resolves them with registries.conf (issue 11.3): [aliases], then
# unqualified-search-registries in order, docker.io when nothing is configured; a stored image needs no registry.
# Debian's docker-registry runs on a free 127.0.0.1 port (Registry.Helpers.psm1) with an image skopeo pushed; the
# settings are a registries.conf in a temp directory named by $env:PSCONTAINERS_REGISTRIES_CONF.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Registry.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    Import-PsContainersForTest

    $script:Work = Join-Path ([IO.Path]::GetTempPath()) ('psc-short-' + [guid]::NewGuid().ToString('N').Substring(0, 10))
    New-Item -ItemType Directory -Path $script:Work | Out-Null
    $script:SavedAuth = $env:REGISTRY_AUTH_FILE
    $script:SavedConf = $env:PSCONTAINERS_REGISTRIES_CONF
    $env:REGISTRY_AUTH_FILE = Join-Path $script:Work 'auth.json'
    $script:Conf = Join-Path $script:Work 'registries.conf'
    $env:PSCONTAINERS_REGISTRIES_CONF = $script:Conf
    $archive = Join-Path $script:Work 'busybox.tar'
    $null = New-TestImageArchive -Path $archive -Name 'busybox-test:latest'
    $script:Reg = Start-TestRegistry -Dir (Join-Path $script:Work 'registry')
    $out = & skopeo copy -q --dest-tls-verify=false "docker-archive:$archive" "docker://$($script:Reg.Host)/team/app:1" 2>&1
    if ($LASTEXITCODE -ne 0) { throw "skopeo copy failed: $out" }
    # a port nothing listens on: a search registry that is down
    $script:Dead = "127.0.0.1:$(Get-FreeTcpPort)"
    $script:Root = New-TestStoreRoot

    function Set-RegistriesConf([string] $Text) { Set-Content -LiteralPath $script:Conf -Value $Text }
}

AfterAll {
    Stop-TestRegistryProcesses
    Remove-ContainerTestStore $script:Root
    $env:REGISTRY_AUTH_FILE = $script:SavedAuth
    $env:PSCONTAINERS_REGISTRIES_CONF = $script:SavedConf
    Remove-Item -Recurse -Force $script:Work -ErrorAction SilentlyContinue
}

Describe 'Unqualified names and registries.conf' {
    It 'Request-ContainerImage team/app:1 tries the search registries in order: the one that is down, then the one that has it' {
        Set-RegistriesConf "unqualified-search-registries = [`"$($script:Dead)`", `"$($script:Reg.Host)`"]"
        $verbose = Request-ContainerImage team/app:1 -Quiet -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
        $tries = @($verbose | Where-Object { $_ -like 'Trying to pull *' })
        $tries | Should -Be @("Trying to pull $($script:Dead)/team/app:1...", "Trying to pull $($script:Reg.Host)/team/app:1...")
        (Get-ContainerImage team/app:1).RepoTags | Should -Be @("$($script:Reg.Host)/team/app:1")
        Remove-ContainerImage "$($script:Reg.Host)/team/app:1" -Force
    }

    It 'Invoke-ContainerImage team/app:1 pulls the missing image from the first search registry that has it, and stops trying there' {
        Set-RegistriesConf "unqualified-search-registries = [`"$($script:Reg.Host)`", `"$($script:Dead)`"]"
        $out = Invoke-ContainerImage team/app:1 -Remove -Network none -Verbose -- echo searched 4>&1
        $LASTEXITCODE | Should -Be 0
        @($out | Where-Object { $_ -is [string] }) | Should -Be @('searched')
        @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like "Trying to pull $($script:Dead)*" }) | Should -BeNullOrEmpty
        (Get-ContainerImage team/app:1).RepoTags | Should -Be @("$($script:Reg.Host)/team/app:1")
        Remove-ContainerImage "$($script:Reg.Host)/team/app:1" -Force
    }

    It 'an [aliases] entry decides alone: New-Container webapp:1 pulls the alias target with the tag given' {
        Set-RegistriesConf @"
unqualified-search-registries = ["$($script:Dead)"]
[aliases]
"webapp" = "$($script:Reg.Host)/team/app"
"@
        $c = New-Container webapp:1 -Name aliased -Network none -- echo aliased
        $c.Image | Should -Be 'webapp:1'
        (Get-ContainerImage webapp:1).RepoTags | Should -Be @("$($script:Reg.Host)/team/app:1")
        Start-Container aliased -Attach | Should -Be 'aliased'
        Remove-Container aliased -Force
    }

    It 'a build''s short FROM resolves as a pull does: the search registry that has it, as buildah''s FROM' {
        Set-RegistriesConf "unqualified-search-registries = [`"$($script:Dead)`", `"$($script:Reg.Host)`"]"
        $ctx = Join-Path $script:Work 'ctx-from'
        New-Item -ItemType Directory -Path $ctx -Force | Out-Null
        Set-Content -LiteralPath (Join-Path $ctx 'Dockerfile') -Value "FROM team/app:1`nLABEL from=short"
        # not stored before: the build must pull it (the tests after this one find it stored, as before)
        Remove-ContainerImage "$($script:Reg.Host)/team/app:1" -Force -ErrorAction SilentlyContinue
        Get-ContainerImage team/app:1 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $img = Build-ContainerImage $ctx -Tag built-from-short:1 -Pull Missing
        $img | Should -Not -BeNullOrEmpty
        (Get-ContainerImage team/app:1).RepoTags | Should -Be @("$($script:Reg.Host)/team/app:1")
        (Get-ContainerImage built-from-short:1).Id | Should -Be $img.Id
        Remove-ContainerImage built-from-short:1 -Force
    }

    It 'when every search registry fails, the error names each candidate; run sets 125 and creates nothing' {
        $other = "127.0.0.1:$(Get-FreeTcpPort)"
        Set-RegistriesConf "unqualified-search-registries = [`"$($script:Dead)`", `"$other`"]"
        $global:LASTEXITCODE = 0
        Invoke-ContainerImage team/none:1 -Remove -Network none -ErrorVariable err -ErrorAction SilentlyContinue -- echo never | Should -BeNullOrEmpty
        $LASTEXITCODE | Should -Be 125
        $err[0].Exception.Message | Should -BeLike "*'team/none:1'*$($script:Dead)/team/none:1*$other/team/none:1*"
        $err[0].FullyQualifiedErrorId | Should -BeLike 'Registry*'
        @(Get-Container -All | Where-Object Image -eq 'team/none:1') | Should -BeNullOrEmpty
    }

    It 'a stored image is used without any network lookup: the registry is stopped and the search registries are down' {
        Stop-TestRegistryProcesses
        Set-RegistriesConf @"
unqualified-search-registries = ["$($script:Dead)", "$($script:Reg.Host)"]
"@
        Invoke-ContainerImage team/app:1 -Remove -Network none -- echo offline | Should -Be 'offline'
        $LASTEXITCODE | Should -Be 0
        (Get-ContainerImage team/app:1).RepoTags | Should -Be @("$($script:Reg.Host)/team/app:1")
        # -Pull Always must reach a registry, and none answers
        $global:LASTEXITCODE = 0
        Invoke-ContainerImage team/app:1 -Remove -Network none -Pull Always -ErrorAction SilentlyContinue -ErrorVariable err -- echo always | Should -BeNullOrEmpty
        $err | Should -Not -BeNullOrEmpty
        $LASTEXITCODE | Should -Be 125
    }

    It 'with nothing configured a short name means docker.io, as docker: the image stored under the search registry is not found' {
        Set-RegistriesConf '# nothing configured'
        Get-ContainerImage team/app:1 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $global:LASTEXITCODE = 0
        Invoke-ContainerImage team/app:1 -Remove -Network none -Pull Never -ErrorVariable err -ErrorAction SilentlyContinue -- echo x | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ImageNotFound*'
        Get-ContainerImage "$($script:Reg.Host)/team/app:1" | Should -Not -BeNullOrEmpty
        # docker's normalization still finds what was imported as busybox-test
        $null = Import-ContainerImage -Path (Join-Path $script:Work 'busybox.tar')
        Invoke-ContainerImage busybox-test -Remove -Network none -Pull Never -- echo local | Should -Be 'local'
    }

    It 'a malformed registries.conf is a RegistryConfigInvalid error naming the file' {
        Set-RegistriesConf 'unqualified-search-registries = "not-an-array"'
        Request-ContainerImage team/app:1 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'RegistryConfigInvalid*'
        $err[0].Exception.Message | Should -BeLike "*$($script:Conf)*must be an array*"
    }
}
