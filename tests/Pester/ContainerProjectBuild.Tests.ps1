# Compose build: sections: Start-ContainerProject builds a missing image with the engine's builder (named
# <project>-<service> without image:), rebuilds with -Build, tags image: when both are given, and stops before any
# container when a build fails.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    $script:Root = Initialize-ContainerTestStore
    $script:Dir = Join-Path $script:Root 'buildapp'
    $null = New-Item -ItemType Directory (Join-Path $script:Dir 'app'), (Join-Path $script:Dir 'tool')
    Set-Content (Join-Path $script:Dir 'app/Dockerfile') "FROM busybox-test:latest`nARG GREETING=unset`nCOPY message.txt /message.txt`nRUN echo `"`$GREETING`" > /greeting`nCMD [`"sleep`", `"300`"]"
    Set-Content (Join-Path $script:Dir 'app/message.txt') 'first'
    Set-Content (Join-Path $script:Dir 'tool/Tool.Dockerfile') "FROM busybox-test:latest`nRUN echo tool > /tool`nCMD [`"sleep`", `"300`"]"
    $script:File = Join-Path $script:Dir 'compose.yaml'
    Set-Content -Path $script:File -Value @"
services:
  app:
    build:
      context: ./app
      args:
        GREETING: hello
    init: true
  tool:
    image: cbuild/tool:dev
    build:
      context: ./tool
      dockerfile: Tool.Dockerfile
    init: true
"@
    $script:P = "cbuild$PID"
}

AfterAll {
    Remove-ContainerProject $script:P -Timeout 0 -Confirm:$false -ErrorAction SilentlyContinue
    Get-Container -All -ErrorAction SilentlyContinue | Remove-Container -Force -Confirm:$false -ErrorAction SilentlyContinue
    Remove-ContainerTestStore $script:Root
}

Describe 'Start-ContainerProject with build sections' {
    It 'builds missing images, names them project-service or after image:, and runs them' {
        Start-ContainerProject -Path $script:File -ProjectName $script:P
        Get-ContainerImage "$($script:P)-app" | Should -Not -BeNullOrEmpty
        Get-ContainerImage 'cbuild/tool:dev' | Should -Not -BeNullOrEmpty
        $app = Get-Container -Project $script:P -Service app
        $app.Image | Should -BeLike "*$($script:P)-app*"
        $app.Status | Should -Be 'Running'
        Invoke-ContainerExec $app.Name -- cat /message.txt /greeting | Should -Be @('first', 'hello')
        Invoke-ContainerExec (Get-Container -Project $script:P -Service tool).Name -- cat /tool | Should -Be 'tool'
    }

    It 'does not rebuild an existing image without -Build, and with it rebuilds and recreates what changed' {
        $before = (Get-ContainerImage "$($script:P)-app").Id
        Set-Content (Join-Path $script:Dir 'app/message.txt') 'second'
        Start-ContainerProject -Path $script:File -ProjectName $script:P
        (Get-ContainerImage "$($script:P)-app").Id | Should -Be $before
        $app = Get-Container -Project $script:P -Service app
        Invoke-ContainerExec $app.Name -- cat /message.txt | Should -Be 'first'

        # a rebuilt image recreates the service's container, as docker compose up --build does (the image id changed)
        $oldContainer = $app.Id
        Start-ContainerProject -Path $script:File -ProjectName $script:P -Build
        (Get-ContainerImage "$($script:P)-app").Id | Should -Not -Be $before
        $app = Get-Container -Project $script:P -Service app
        $app.Id | Should -Not -Be $oldContainer
        $app.ImageId | Should -Be (Get-ContainerImage "$($script:P)-app").Id
        Invoke-ContainerExec $app.Name -- cat /message.txt | Should -Be 'second'
        # the tool service's image was rebuilt from the cache, the same id: its container stays
        $tool = Get-Container -Project $script:P -Service tool
        Start-ContainerProject -Path $script:File -ProjectName $script:P -Build
        (Get-Container -Project $script:P -Service tool).Id | Should -Be $tool.Id
    }

    It 'reports an image built again outside the project as ImageChanged with both image ids (Compare-ContainerProject)' {
        $app = Get-Container -Project $script:P -Service app
        Compare-ContainerProject -Path $script:File -ProjectName $script:P | Should -BeNullOrEmpty
        Set-Content (Join-Path $script:Dir 'app/message.txt') 'third'
        $null = Build-ContainerImage (Join-Path $script:Dir 'app') -Tag "$($script:P)-app" -BuildArgument @{ GREETING = 'hello' }
        $newId = (Get-ContainerImage "$($script:P)-app").Id
        $newId | Should -Not -Be $app.ImageId
        $drift = @(Compare-ContainerProject -Path $script:File -ProjectName $script:P)
        $drift.Count | Should -Be 1
        $drift[0].Service | Should -Be 'app'
        $drift[0].Target | Should -Be $app.Name
        $drift[0].Difference | Should -Be 'ImageChanged'
        $drift[0].Desired | Should -Be $newId
        $drift[0].Actual | Should -Be $app.ImageId
        Start-ContainerProject -Path $script:File -ProjectName $script:P
        Compare-ContainerProject -Path $script:File -ProjectName $script:P | Should -BeNullOrEmpty
        Invoke-ContainerExec (Get-Container -Project $script:P -Service app).Name -- cat /message.txt | Should -Be 'third'
    }

    It 'shows the build in -WhatIf and builds nothing' {
        $ids = @(Get-ContainerImage -All | ForEach-Object Id)
        # -WhatIf writes to the host: a child pwsh prints it where the test can read it
        $manifest = Join-Path (Get-Module PsContainers).ModuleBase 'PsContainers.psd1'
        $cmd = "`$env:PSCONTAINERS_ROOT = '$($script:Root)'; Import-Module '$manifest'; Start-ContainerProject -Path '$($script:File)' -ProjectName $($script:P) -Build -WhatIf"
        $out = & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -Command $cmd 2>&1 | Out-String -Width 400
        $out | Should -Match ('What if: Performing the operation "Build image" on target "' + [regex]::Escape("$($script:P)-app (service app, context ") + '.*app\)"')
        $out | Should -Match ('What if: Performing the operation "Build image" on target "' + [regex]::Escape('cbuild/tool:dev (service tool, context '))
        @(Get-ContainerImage -All | ForEach-Object Id) | Should -Be $ids
    }

    It 'stops before any container when a build fails, naming the service and the Dockerfile line' {
        $bad = Join-Path $script:Dir 'bad.yaml'
        $null = New-Item -ItemType Directory -Force (Join-Path $script:Dir 'broken')
        Set-Content (Join-Path $script:Dir 'broken/Dockerfile') "FROM busybox-test:latest`nRUN exit 3"
        Set-Content $bad "services:`n  broken:`n    build: ./broken`n"
        Start-ContainerProject -Path $bad -ProjectName "$($script:P)b" -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -BeGreaterThan 0
        $err[0].FullyQualifiedErrorId | Should -BeLike 'BuildStepFailed,*'
        $err[0].TargetObject | Should -BeLike '*Dockerfile:2'
        $err[0].Exception.Message | Should -Match "^Service 'broken': .*Dockerfile:2.*non-zero code: 3"
        @(Get-Container -All -Project "$($script:P)b").Count | Should -Be 0
    }
}

Describe 'Build-ContainerImage -Project' {
    It 'builds the build sections of a compose project (docker compose build), or the services named' {
        $name = "bproj$PID"
        $d = Join-Path $script:Root $name
        $null = New-Item -ItemType Directory $d
        Set-Content (Join-Path $d 'compose.yaml') @"
services:
  app:
    build:
      context: $($script:Dir)/app
      args:
        GREETING: from-project
  tool:
    image: cbuild/tool2:dev
    build:
      context: $($script:Dir)/tool
      dockerfile: Tool.Dockerfile
  web:
    image: busybox-test:latest
"@
        $built = @(Build-ContainerImage -Project $d)
        $built.Count | Should -Be 2
        $built[0] | Should -BeOfType PsContainers.Core.Images.ContainerImage
        @($built.RepoTags) | Should -Contain "$($name)-app:latest"
        @($built.RepoTags) | Should -Contain 'cbuild/tool2:dev'
        Invoke-ContainerImage "$($name)-app" -Remove cat /greeting | Should -Be 'from-project'

        # one service, by the compose file, without the cache
        $again = @(Build-ContainerImage -Project (Join-Path $d 'compose.yaml') -Service tool -NoCache)
        $again.Count | Should -Be 1
        $again[0].RepoTags | Should -Contain 'cbuild/tool2:dev'
        $again[0].Id | Should -Not -Be ($built | Where-Object { $_.RepoTags -contains 'cbuild/tool2:dev' }).Id # -NoCache: a new image (new created times)

        # a service without build: is skipped with a warning; an unknown one is the loader's error
        @(Build-ContainerImage -Project $d -Service web -WarningVariable warn -WarningAction SilentlyContinue).Count | Should -Be 0
        "$warn" | Should -BeLike "*'web' has no build section*"
        $null = Build-ContainerImage -Project $d -Service nope -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ComposeUndefinedReference,*'
    }
}
