@echo off
rem Install planner from this offline bundle: runs install.ps1 with PowerShell, letting
rem this one script run (Windows blocks scripts that came from another computer).
rem   install.cmd [FOLDER]
powershell -NoProfile -ExecutionPolicy Bypass -File "%~dp0install.ps1" %*
exit /b %ERRORLEVEL%
