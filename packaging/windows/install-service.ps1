<#
.SYNOPSIS
  Registers (or removes) rdconsole as a Windows service.

.DESCRIPTION
  Uses the service support of Poco's ServerApplication:
    rdconsole.exe /registerService /displayName=... /description=... /startup=automatic
  Poco registers only the executable path, without arguments, so the service is
  configured through RDCONSOLE_* environment variables stored in the service's
  registry key (HKLM\SYSTEM\CurrentControlSet\Services\rdconsole\Environment):
  data_dir, modules.dir and log.file (a service has no console for stderr).
  Other keys can be added the same way with -ExtraEnvironment.

  The service is registered but not started. Start it with: Start-Service rdconsole

  NOTE: CI does not build or test rdconsole on Windows. See packaging/windows/README.md.

.EXAMPLE
  .\install-service.ps1 -ExePath 'C:\Program Files\rdconsole\rdconsole.exe'
.EXAMPLE
  .\install-service.ps1 -ExtraEnvironment @{ 'RDCONSOLE_HTTP__PORT' = '21114' }
.EXAMPLE
  .\install-service.ps1 -Uninstall
#>
[CmdletBinding()]
param(
  [string]$ExePath = (Join-Path $PSScriptRoot 'rdconsole.exe'),
  [string]$DataDir = (Join-Path $env:ProgramData 'rdconsole'),
  [string]$ModulesDir = '',
  [hashtable]$ExtraEnvironment = @{},
  [switch]$Uninstall
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

# Poco names the service after the executable file (without .exe).
$ServiceName = [System.IO.Path]::GetFileNameWithoutExtension($ExePath)

$principal = New-Object Security.Principal.WindowsPrincipal(
  [Security.Principal.WindowsIdentity]::GetCurrent())
if (-not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {
  throw 'Run this script from an elevated (Administrator) PowerShell.'
}
if (-not (Test-Path -LiteralPath $ExePath -PathType Leaf)) {
  throw "rdconsole executable not found: $ExePath"
}
$ExePath = (Resolve-Path -LiteralPath $ExePath).Path

if ($Uninstall) {
  $svc = Get-Service -Name $ServiceName -ErrorAction SilentlyContinue
  if ($svc -and $svc.Status -ne 'Stopped') {
    Stop-Service -Name $ServiceName
  }
  & $ExePath /unregisterService
  if ($LASTEXITCODE -ne 0) { throw "rdconsole /unregisterService failed ($LASTEXITCODE)" }
  Write-Host "Service '$ServiceName' removed. Data in $DataDir was kept."
  return
}

if (-not $ModulesDir) {
  $ModulesDir = Join-Path (Split-Path -Parent $ExePath) 'modules'
}

# The data directory holds the database and the initial administrator password:
# only SYSTEM (the service account) and Administrators may read it.
New-Item -ItemType Directory -Force -Path $DataDir | Out-Null
$acl = New-Object System.Security.AccessControl.DirectorySecurity
$acl.SetAccessRuleProtection($true, $false)
foreach ($who in 'NT AUTHORITY\SYSTEM', 'BUILTIN\Administrators') {
  $rule = New-Object System.Security.AccessControl.FileSystemAccessRule(
    $who, 'FullControl', 'ContainerInherit,ObjectInherit', 'None', 'Allow')
  $acl.AddAccessRule($rule)
}
Set-Acl -LiteralPath $DataDir -AclObject $acl

& $ExePath /registerService '/displayName=rdconsole (RustDesk console server)' `
  '/description=Self-hosted console API server for RustDesk clients' '/startup=automatic'
if ($LASTEXITCODE -ne 0) { throw "rdconsole /registerService failed ($LASTEXITCODE)" }

$environment = @{
  'RDCONSOLE_DATA_DIR'      = $DataDir
  'RDCONSOLE_MODULES__DIR'  = $ModulesDir
  'RDCONSOLE_LOG__FILE'     = (Join-Path $DataDir 'rdconsole.log')
}
foreach ($key in $ExtraEnvironment.Keys) { $environment[$key] = [string]$ExtraEnvironment[$key] }
$lines = [string[]]($environment.GetEnumerator() | Sort-Object Name |
  ForEach-Object { '{0}={1}' -f $_.Name, $_.Value })
$serviceKey = "HKLM:\SYSTEM\CurrentControlSet\Services\$ServiceName"
New-ItemProperty -Path $serviceKey -Name 'Environment' -PropertyType MultiString `
  -Value $lines -Force | Out-Null

Write-Host "Service '$ServiceName' registered (not started). Environment:"
$lines | ForEach-Object { Write-Host "  $_" }
Write-Host "Start it with: Start-Service $ServiceName"
Write-Host "On first start the administrator password is written to $DataDir\initial-admin-password"
