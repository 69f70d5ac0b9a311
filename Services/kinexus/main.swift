import KinexusCLI

await KinexusCommand.runFromCommandLine()
