# Install planner from this offline bundle, on Windows, with no network.
#
#   install.cmd [FOLDER]      (or: powershell -ExecutionPolicy Bypass -File install.ps1 [FOLDER])
#
# First every file of the bundle is checked against SHA256SUMS: one that does not match
# stops it before anything is written. Then planner goes into a virtual environment in
# FOLDER (default %LOCALAPPDATA%\planner-app), with pip's package index switched off and
# only this bundle's wheels, each checked against its hash in requirements.txt. Running a
# newer bundle's installer again upgrades that folder. The database is never in it: it
# stays where it is (by default %LOCALAPPDATA%\planner\planner\planner.db) and is never
# touched. Set PYTHON to a python.exe to choose the Python (one targets.txt lists).
param([string]$Folder = (Join-Path $env:LOCALAPPDATA 'planner-app'))
$ErrorActionPreference = 'Stop'
$here = $PSScriptRoot
$marker = 'planner-install.txt'

function Say([string]$message) { Write-Host "== install.ps1: $message" }
function Fail([string]$message) {
    Write-Host "install.ps1: $message; nothing was installed"
    exit 1
}

$sums = Join-Path $here 'SHA256SUMS'
$targets = Join-Path $here 'targets.txt'
if (-not (Test-Path -LiteralPath $sums -PathType Leaf)) { Fail "SHA256SUMS is missing from $here" }
if (-not (Test-Path -LiteralPath $targets -PathType Leaf)) { Fail "targets.txt is missing from $here" }

Say 'checking every file of the bundle against SHA256SUMS'
$listed = @{}
$number = 0
foreach ($line in Get-Content -LiteralPath $sums) {
    $number += 1
    if ($line -cnotmatch '^([0-9a-f]{64}) [ *](\S.*)$') { Fail "SHA256SUMS line $number is not a checksum line: the file was changed" }
    $expected = $Matches[1]
    $name = $Matches[2]
    if ($name.StartsWith('/') -or ($name.Split('/') -contains '..')) { Fail "SHA256SUMS line $number names a file outside the bundle" }
    $path = Join-Path $here ($name -replace '/', '\')
    if (-not (Test-Path -LiteralPath $path -PathType Leaf)) { Fail "$name is missing from the bundle (SHA256SUMS lists it)" }
    $actual = (Get-FileHash -LiteralPath $path -Algorithm SHA256).Hash.ToLowerInvariant()
    if ($actual -ne $expected) { Fail "$name does not match SHA256SUMS: it changed after the bundle was built" }
    $listed["$name"] = $true
}
foreach ($wheel in Get-ChildItem -LiteralPath (Join-Path $here 'wheels') -File) {
    if (-not $listed.ContainsKey("wheels/$($wheel.Name)")) { Fail "wheels/$($wheel.Name) is not in SHA256SUMS: it was added after the bundle was built" }
}
$sumsHash = (Get-FileHash -LiteralPath $sums -Algorithm SHA256).Hash.ToLowerInvariant()
Say "all $($listed.Count) files match; SHA256SUMS itself has sha256 $sumsHash"

# A Python this bundle has Windows wheels for: PYTHON, else the py launcher's, newest first.
$wanted = @(Get-Content -LiteralPath $targets | Where-Object { $_ -match '^win-amd64 ' } | ForEach-Object { $_.Split(' ')[1] } |
    Sort-Object { [int]($_.Split('.')[1]) } -Descending)
if ($wanted.Count -eq 0) { Fail 'this bundle has no wheels for Windows amd64 (see BUNDLE.txt)' }
# No quotes in the code: Windows PowerShell passes quotes to a program unreliably.
$probe = 'import sys,sysconfig;v=sys.version_info;print(sys.implementation.name,sysconfig.get_platform(),str(v[0])+chr(46)+str(v[1]),sys.executable)'
$candidates = @()
if ($env:PYTHON) { $candidates += , @($env:PYTHON) }
else {
    foreach ($version in $wanted) { $candidates += , @('py', "-$version") }
    $candidates += , @('python')
}
$python = $null
$found = @()
foreach ($candidate in $candidates) {
    if (-not (Get-Command $candidate[0] -ErrorAction SilentlyContinue)) { continue }
    $arguments = @($candidate | Select-Object -Skip 1) + @('-c', $probe)
    try { $answer = & $candidate[0] @arguments 2>$null } catch { continue }
    if ($LASTEXITCODE -ne 0 -or -not $answer) { continue }
    $parts = "$answer".Trim().Split(' ', 4)
    $found += "$($candidate -join ' ') is $($parts[1]) $($parts[2]) $($parts[0])"
    if ($parts[0] -eq 'cpython' -and $parts[1] -eq 'win-amd64' -and ($wanted -contains $parts[2])) {
        $python = $parts[3]
        break
    }
}
if (-not $python) {
    $seen = if ($found.Count) { $found -join '; ' } else { 'none found' }
    Fail "no Python this bundle has wheels for (64-bit CPython $($wanted -join '/'); $seen): install one, or set PYTHON to its python.exe"
}

$pipWheels = @(Get-ChildItem -LiteralPath (Join-Path $here 'wheels') -Filter 'pip-*-py3-none-any.whl' -File)
if ($pipWheels.Count -ne 1) { Fail 'the bundle has no pip wheel, or more than one: this is not a whole bundle' }
$pipWheel = $pipWheels[0].FullName
$version = (Select-String -LiteralPath (Join-Path $here 'requirements.txt') -Pattern '^planner==(\S+)').Matches[0].Groups[1].Value
$Folder = [System.IO.Path]::GetFullPath($Folder).TrimEnd('\')
$previous = "$Folder.previous"
$databaseFolder = Join-Path $env:LOCALAPPDATA 'planner'
if (("$Folder\").StartsWith("$databaseFolder\", [System.StringComparison]::OrdinalIgnoreCase)) {
    Fail "$Folder is in planner's database folder ($databaseFolder): install beside it, not in it"
}
foreach ($existing in @($Folder, $previous)) {
    if ((Test-Path -LiteralPath $existing) -and -not (Test-Path -LiteralPath (Join-Path $existing $marker)) -and
        (Get-ChildItem -LiteralPath $existing -Force | Select-Object -First 1)) {
        Fail "$existing exists and was not made by this installer: choose another folder"
    }
}
if ((Test-Path -LiteralPath $previous) -and -not (Test-Path -LiteralPath $Folder)) {
    # An earlier run stopped after setting the installation aside: that one goes back first.
    Move-Item -LiteralPath $previous -Destination $Folder
}
if (Test-Path -LiteralPath $previous) { Remove-Item -LiteralPath $previous -Recurse -Force }
if (Test-Path -LiteralPath $Folder) {
    Say "setting the planner installed in $Folder aside until the new one is in"
    Move-Item -LiteralPath $Folder -Destination $previous
}

try {
    Say "creating a virtual environment in $Folder with $python"
    # Without pip: the bundle's own pip (checked above with the rest) runs from its wheel
    # and installs itself with the others, so the computer needs no pip of its own.
    & $python -m venv --without-pip $Folder
    if ($LASTEXITCODE -ne 0) { throw 'python -m venv failed' }
    Say "installing planner $version and its dependencies from the bundle, the package index switched off"
    # Only this bundle's wheels, whatever pip's configuration or environment name.
    $wheels = Join-Path $here 'wheels'
    $env:PIP_NO_INDEX = '1'
    $env:PIP_FIND_LINKS = $wheels
    $env:PIP_DISABLE_PIP_VERSION_CHECK = '1'
    & (Join-Path $Folder 'Scripts\python.exe') (Join-Path $pipWheel 'pip') install -q --no-index --find-links $wheels `
        --require-hashes --only-binary=:all: --no-cache-dir -r (Join-Path $here 'requirements.txt')
    if ($LASTEXITCODE -ne 0) { throw 'pip install failed' }
    $planner = Join-Path $Folder 'Scripts\planner.exe'
    & $planner --version | Out-Null
    if ($LASTEXITCODE -ne 0) { throw 'the installed planner does not start' }
    Set-Content -LiteralPath (Join-Path $Folder $marker) -Encoding ASCII -Value @(
        "planner $version, installed by install.ps1 from $here",
        "on $((Get-Date).ToUniversalTime().ToString('yyyy-MM-dd HH:mm')) UTC with $python",
        "SHA256SUMS sha256 $sumsHash")
}
catch {
    if (Test-Path -LiteralPath $Folder) { Remove-Item -LiteralPath $Folder -Recurse -Force }
    if (Test-Path -LiteralPath $previous) {
        Move-Item -LiteralPath $previous -Destination $Folder
        Write-Host "install.ps1: the installation failed ($_); the planner installed before is back in $Folder"
    }
    else { Write-Host "install.ps1: the installation failed ($_); nothing is left in $Folder" }
    exit 1
}
if (Test-Path -LiteralPath $previous) { Remove-Item -LiteralPath $previous -Recurse -Force }

Say "planner $version is installed in $Folder"
Write-Host 'Start planner with (in PowerShell, put & and a space before it):'
Write-Host "   `"$planner`""
Write-Host "The database was not touched: it stays where it was (by default $databaseFolder\planner\planner.db)."
