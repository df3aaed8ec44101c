# Run and create pull what is missing (issue 11.3): -Pull Missing (the default), Always and Never, against Debian's
# docker-registry started here on a free 127.0.0.1 port (as the registry suite does), with an image skopeo pushed.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Registry.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    Import-PsContainersForTest

    $script:Work = Join-Path ([IO.Path]::GetTempPath()) ('psc-pull-' + [guid]::NewGuid().ToString('N').Substring(0, 10))
    New-Item -ItemType Directory -Path $script:Work | Out-Null
    $script:SavedAuth = $env:REGISTRY_AUTH_FILE
    $env:REGISTRY_AUTH_FILE = Join-Path $script:Work 'auth.json'
    $archive = Join-Path $script:Work 'busybox.tar'
    $null = New-TestImageArchive -Path $archive -Name 'busybox-test:latest'
    $script:Reg = Start-TestRegistry -Dir (Join-Path $script:Work 'registry')
    $script:Ref = "$($script:Reg.Host)/test/pullme:1"
    $out = & skopeo copy -q --dest-tls-verify=false "docker-archive:$archive" "docker://$($script:Ref)" 2>&1
    if ($LASTEXITCODE -ne 0) { throw "skopeo copy failed: $out" }
    $script:Root = New-TestStoreRoot
}

AfterAll {
    Stop-TestRegistryProcesses
    Remove-ContainerTestStore $script:Root
    $env:REGISTRY_AUTH_FILE = $script:SavedAuth
    Remove-Item -Recurse -Force $script:Work -ErrorAction SilentlyContinue
}

Describe '-Pull on Invoke-ContainerImage and New-Container' {
    It '-Pull Never fails with ImageNotFound and 125 when the store lacks the image, and pulls nothing' {
        $global:LASTEXITCODE = 0
        Invoke-ContainerImage $script:Ref -Remove -Network none -Pull Never -ErrorVariable err -ErrorAction SilentlyContinue -- echo never | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ImageNotFound*'
        $LASTEXITCODE | Should -Be 125
        Get-ContainerImage | Should -BeNullOrEmpty
    }

    It 'pulls a missing image by default and runs it' {
        $out = Invoke-ContainerImage $script:Ref -Remove -Network none -- echo pulled
        $LASTEXITCODE | Should -Be 0
        @($out | Where-Object { $_ -is [string] }) | Should -Be @('pulled')
        (Get-ContainerImage $script:Ref).RepoTags | Should -Contain $script:Ref
    }

    It 'New-Container pulls too (after removing the image), and a stored image needs no registry' {
        Remove-ContainerImage $script:Ref -Force
        $c = New-Container $script:Ref -Name pulled-create -Network none -- echo created
        $c.Image | Should -Be $script:Ref
        Remove-Container pulled-create -Force
        # with the registry gone, Missing uses the stored image and Always must reach the registry
        Stop-TestRegistryProcesses
        Invoke-ContainerImage $script:Ref -Remove -Network none -- echo offline | Should -Be 'offline'
        $global:LASTEXITCODE = 0
        Invoke-ContainerImage $script:Ref -Remove -Network none -Pull Always -ErrorVariable err -ErrorAction SilentlyContinue -- echo always | Should -BeNullOrEmpty
        $err | Should -Not -BeNullOrEmpty
        $LASTEXITCODE | Should -Be 125
        @(Get-Container -All).Count | Should -Be 0 -Because 'a failed pull creates no container'
    }

    It 'reads a stored image once per create and per run with -Pull Missing (PSCONTAINERS_TRACE counts the store reads)' {
        # the pull check resolves the stored image (its record and config) and hands it to the create, which reads it
        # no more; a start reads the image's record again, for the layer directories only (never the config)
        $psd1 = Join-Path (Get-Module PsContainers).ModuleBase 'PsContainers.psd1'
        $pwsh = Join-Path $PSHOME 'pwsh'
        $prelude = "`$env:PSCONTAINERS_TRACE = '1'; Import-Module '$psd1'"
        $create = @(& $pwsh -NoProfile -NonInteractive -Command "$prelude; `$null = New-Container '$($script:Ref)' -Name traced-create -Network none -- true" 2>&1 | ForEach-Object { "$_" })
        (Get-Container traced-create).Image | Should -Be $script:Ref
        @($create -match 'image store: config read').Count | Should -Be 1 -Because ($create -join "`n")
        @($create -match 'image store: record read').Count | Should -Be 1 -Because ($create -join "`n")
        Remove-Container traced-create -Force

        $run = @(& $pwsh -NoProfile -NonInteractive -Command "$prelude; Invoke-ContainerImage '$($script:Ref)' -Remove -Network none -- echo traced" 2>&1 | ForEach-Object { "$_" })
        $run | Should -Contain 'traced'
        @($run -match 'image store: config read').Count | Should -Be 1 -Because ($run -join "`n")
        @($run -match 'image store: record read').Count | Should -Be 2 -Because ($run -join "`n")
    }
}
