# Interop: the same compose file brought up by Start-ContainerProject and by podman-compose (Debian's 1.0.3, with
# podman) gives the same networks, volumes, service aliases and docker compose labels where both follow the spec.
# Differences, each checked so a change on either side is seen:
# - container names: ours <project>-<service>-<n> (compose spec and docker compose v2); podman-compose 1.0.3 writes
#   <project>_<service>_<n> (compose v1; fixed in podman-compose 1.1, containers/podman-compose#1230).
# - labels podman-compose 1.0.3 does not write: com.docker.compose.config-hash (it writes io.podman.compose.config-hash
#   "123", a placeholder), .oneoff, .depends_on, .project.environment_file; ours has them as docker compose v2 does.
# - networks.<name>.aliases: podman-compose 1.0.3 cannot read the mapping form of a service's networks (KeyError
#   "app={'aliases': [...]}"), so this file uses the list form; the spec allows both, ours reads both
#   (ContainerProjectScale.Tests.ps1 checks aliases per network).
# Skipped only when podman-compose is not installed.

BeforeDiscovery {
    $script:NoPodmanCompose = -not (Test-Path /usr/bin/podman-compose) -or -not (Test-Path /usr/bin/podman)
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Networking.Helpers.psm1" -Force
    $script:Root = Initialize-ContainerTestStore
    $script:Dir = Join-Path $script:Root 'interop'
    $null = New-Item -ItemType Directory $script:Dir
    $script:P = "interop$PID"
    $script:Image = 'localhost/pscinterop/busybox:latest'
    $script:File = Join-Path $script:Dir 'compose.yaml'
    Set-Content -Path $script:File -Value @"
services:
  db:
    image: $($script:Image)
    command: ["sleep", "300"]
    volumes: [data:/data]
    networks: [app]
  web:
    image: $($script:Image)
    command: ["sleep", "300"]
    depends_on: [db]
    networks: [app]
networks:
  app: {}
volumes:
  data: {}
"@
    # podman gives each new network the next free /24 of 10.89.0.0/16, the engine's own default range: a podman network
    # on 10.89.0.0/24 beside the engine's psc0 would route both bridges' addresses to one of them, and a rule podman's
    # teardown leaves would name an address the engine hands out later. Its networks take another pool here.
    $script:PodmanConf = Join-Path $script:Dir 'containers.conf'
    Set-Content $script:PodmanConf "[network]`ndefault_subnet_pools = [ { base = `"10.231.0.0/16`", size = 24 } ]"
    $script:SavedContainersConf = $env:CONTAINERS_CONF
    $env:CONTAINERS_CONF = $script:PodmanConf
    function script:Invoke-PodmanCompose([string[]] $Arguments) {
        $out = & podman-compose -p $script:P -f $script:File @Arguments 2>&1
        if ($LASTEXITCODE -ne 0) { throw "podman-compose $($Arguments -join ' ') failed: $out" }
    }
}

AfterAll {
    if (Test-Path /usr/bin/podman-compose) {
        & podman-compose -p $script:P -f $script:File down -v -t 0 *> $null
        & podman ps -a --filter "label=io.podman.compose.project=$($script:P)" --format '{{.ID}}' 2>$null | ForEach-Object { & podman rm -f $_ *> $null }
        & podman rmi $script:Image *> $null
        & podman network rm -f "$($script:P)_app" *> $null
        # what podman's CNI teardown may leave in the host's firewall, in the pool it was given
        foreach ($table in 'filter', 'nat') {
            foreach ($rule in @(& iptables-save -t $table | Where-Object { $_ -like '-A *10.231.*' })) {
                $args2 = ($rule -replace '^-A ', '-D ') -split ' '
                & iptables -t $table @args2 *> $null
            }
        }
    }
    $env:CONTAINERS_CONF = $script:SavedContainersConf
    Remove-ContainerProject $script:P -Volumes -Timeout 0 -Confirm:$false -ErrorAction SilentlyContinue
    Get-Container -All -ErrorAction SilentlyContinue | Remove-Container -Force -Confirm:$false -ErrorAction SilentlyContinue
    Wait-NetworkCleanup $script:Root
    Remove-ContainerTestStore $script:Root
}

Describe 'the same compose file with Start-ContainerProject and podman-compose' -Skip:$script:NoPodmanCompose {
    BeforeAll {
        $tar = Join-Path $script:Root 'interop.tar'
        $null = New-TestImageArchive -Path $tar -Name $script:Image
        $null = Import-ContainerImage -Path $tar
        $out = & podman load -q -i $tar 2>&1
        if ($LASTEXITCODE -ne 0) { throw "podman load failed: $out" }
        $null = Start-ContainerProject -Path $script:File -ProjectName $script:P -Wait -WaitTimeout 60
        Invoke-PodmanCompose @('up', '-d')
        $script:Theirs = @{}
        foreach ($c in (& podman ps -a --filter "label=io.podman.compose.project=$($script:P)" --format json | ConvertFrom-Json)) {
            $script:Theirs[$c.Labels.'com.docker.compose.service'] = $c
        }
        $script:Ours = @{}
        foreach ($c in Get-Container -Project $script:P) { $script:Ours[$c.Service] = $c }
    }

    It 'has one container per service on both sides, named PROJECT-SERVICE-1 here and PROJECT_SERVICE_1 by podman-compose 1.0.3' {
        @($script:Ours.Keys | Sort-Object) | Should -Be @('db', 'web')
        @($script:Theirs.Keys | Sort-Object) | Should -Be @('db', 'web')
        foreach ($s in 'db', 'web') {
            $script:Ours[$s].Name | Should -Be "$($script:P)-$s-1"
            $script:Theirs[$s].Names[0] | Should -Be "$($script:P)_$($s)_1"
        }
    }

    It 'writes the same docker compose labels where podman-compose writes them' {
        foreach ($s in 'db', 'web') {
            $o = $script:Ours[$s].Labels
            $t = $script:Theirs[$s].Labels
            foreach ($k in 'com.docker.compose.project', 'com.docker.compose.service', 'com.docker.compose.container-number', 'com.docker.compose.project.working_dir') {
                $o[$k] | Should -Be $t.$k -Because "$k of $s"
            }
            $o['com.docker.compose.project.config_files'] | Should -Be $script:File
            $t.'com.docker.compose.project.config_files' | Should -Be $script:File
            $o['com.docker.compose.config-hash'] | Should -Match '^[0-9a-f]{64}$'
            $t.PSObject.Properties.Name | Should -Not -Contain 'com.docker.compose.config-hash'
            $t.'io.podman.compose.config-hash' | Should -Be '123' -Because 'podman-compose 1.0.3 writes a placeholder'
            $o['com.docker.compose.oneoff'] | Should -Be 'False'
            $t.PSObject.Properties.Name | Should -Not -Contain 'com.docker.compose.oneoff'
        }
        $script:Ours['web'].Labels['com.docker.compose.depends_on'] | Should -Be 'db:service_started:false'
    }

    It 'names the project network and the named volume PROJECT_KEY on both sides, labelled with the project' {
        (Get-ContainerNetwork "$($script:P)_app").Labels['com.docker.compose.project'] | Should -Be $script:P
        $theirNet = & podman network inspect "$($script:P)_app" | ConvertFrom-Json
        $theirNet.labels.'com.docker.compose.project' | Should -Be $script:P
        $theirNet.subnets[0].subnet | Should -BeLike '10.231.*' -Because 'podman takes its pool from the test''s containers.conf, away from the engine''s 10.89.0.0/16'
        (Get-ContainerVolume "$($script:P)_data").Labels['com.docker.compose.project'] | Should -Be $script:P
        (& podman volume inspect "$($script:P)_data" | ConvertFrom-Json).Labels.'com.docker.compose.project' | Should -Be $script:P
    }

    It 'gives the service name as an alias on the project network on both sides' {
        $script:Ours['web'].NetworkSettings.Networks["$($script:P)_app"].Aliases | Should -Be @('web')
        $aliases = (& podman inspect $script:Theirs['web'].Names[0] | ConvertFrom-Json).NetworkSettings.Networks."$($script:P)_app".Aliases
        $aliases | Should -Contain 'web'
    }
}
