// Sunspot Forecaster on Azure Functions Flex Consumption, in the shape of the azd templates
// (main.bicep at subscription scope creating one resource group, app/*.bicep modules, outputs in
// UPPER_SNAKE for azd). Self-contained: no registry modules.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; it names the resource group and seeds a unique suffix for every resource name.')
param environmentName string

@minLength(1)
@description('Azure region for all resources; it must offer Flex Consumption (az functionapp list-flexconsumption-locations).')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object ID of a person to grant data access to the storage account (azd sets AZURE_PRINCIPAL_ID). Empty grants nothing.')
param principalId string = ''

@description('Name of the resource group; empty means rg-<environmentName>.')
param resourceGroupName string = ''

@description('Memory per instance in MB. Training a model needs 2048 at least.')
@allowed([
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Most instances the app scales out to: a cap on cost. One retraining runs at a time.')
@minValue(1)
@maxValue(100)
param maximumInstanceCount int = 10

@description('NCRONTAB schedule (UTC) of the daily ingest timer, app setting INGEST_SCHEDULE.')
param ingestSchedule string = '0 15 6 * * *'

@description('URL of the SILSO daily total sunspot number file, app setting Ingest__SourceUrl.')
param ingestSourceUrl string = 'https://www.sidc.be/SILSO/INFO/sndtotcsv.php'

@description('NCRONTAB schedule (UTC) of the daily-estimate timer, app setting EISN_SCHEDULE: hourly, as SILSO recomputes EISN through the day.')
param eisnSchedule string = '0 5 * * * *'

@description('URL of SILSO\'s daily estimate for the current month (EISN), app setting Ingest__EisnSourceUrl.')
param eisnSourceUrl string = 'https://www.sidc.be/SILSO/DATA/EISN/EISN_current.csv'

@description('Wall-clock budget of one training run in minutes, app setting Training__BudgetMinutes. Keep it below the 30-minute function timeout.')
@minValue(1)
@maxValue(29)
param trainingBudgetMinutes int = 20

@description('Seconds between checks for a new champion model, app setting Serving__ChampionRefreshSeconds.')
@minValue(1)
param championRefreshSeconds int = 30

@description('Lock the storage account against deletion (the registry and ledger tables have no soft delete). A throwaway environment sets LOCK_STORAGE=false, so that azd down can remove it.')
param lockStorage bool = true

// The same value as functionTimeout in src/Functions/host.json (a test keeps them equal).
var functionTimeout = '00:30:00'
var dotnetVersion = '10.0'
var azdServiceName = 'api'
// Named once: the storage module creates this queue (and its -poison twin), and the app's
// Storage__RetrainQueue setting, which the writer and the queue trigger both read, carries it.
var retrainQueueName = 'retrain-requests'

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var names = {
  resourceGroup: !empty(resourceGroupName) ? resourceGroupName : 'rg-${environmentName}'
  identity: 'id-func-${resourceToken}'
  storage: 'stsun${resourceToken}'
  logAnalytics: 'log-${resourceToken}'
  applicationInsights: 'appi-${resourceToken}'
  plan: 'plan-${resourceToken}'
  functionApp: 'func-sunspots-${resourceToken}'
  deploymentContainer: 'app-package'
}

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: names.resourceGroup
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: names.storage
    location: location
    tags: tags
    deploymentContainerName: names.deploymentContainer
    retrainQueueName: retrainQueueName
    lockAgainstDeletion: lockStorage
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
    location: location
    tags: tags
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    appPrincipalId: identity.outputs.principalId
    userPrincipalId: principalId
  }
}

module app 'app/plan-and-app.bicep' = {
  name: 'plan-and-app'
  scope: rg
  params: {
    planName: names.plan
    appName: names.functionApp
    location: location
    tags: tags
    azdServiceName: azdServiceName
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    retrainQueueName: retrainQueueName
    deploymentContainerName: names.deploymentContainer
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    dotnetVersion: dotnetVersion
    functionTimeout: functionTimeout
    ingestSchedule: ingestSchedule
    ingestSourceUrl: ingestSourceUrl
    eisnSchedule: eisnSchedule
    eisnSourceUrl: eisnSourceUrl
    trainingBudgetMinutes: trainingBudgetMinutes
    championRefreshSeconds: championRefreshSeconds
  }
  // The host starts as soon as the app exists; give its identity the storage roles first.
  dependsOn: [
    rbac
  ]
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = app.outputs.name
output AZURE_FUNCTION_APP_URL string = 'https://${app.outputs.defaultHostName}'
output SERVICE_API_NAME string = app.outputs.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output AZURE_STORAGE_QUEUE_ENDPOINT string = storage.outputs.queueEndpoint
output AZURE_STORAGE_TABLE_ENDPOINT string = storage.outputs.tableEndpoint
output AZURE_USER_ASSIGNED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output APPLICATIONINSIGHTS_CONNECTION_STRING string = monitoring.outputs.applicationInsightsConnectionString
