// The Flex Consumption plan (FC1, Linux) and the function app on it. The app runs as a
// user-assigned identity and reaches storage and Application Insights with that identity only:
// no connection string with a key, no SAS, no listKeys. Flex Consumption takes the runtime from
// functionAppConfig, so FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION and the WEBSITE_*
// content settings are not app settings here (Flex rejects them).

@description('Name of the Flex Consumption plan.')
param planName string

@description('Name of the function app.')
param appName string

@description('Azure region of the plan and the app.')
param location string

@description('Tags for the plan and the app.')
param tags object

@description('Service name in azure.yaml; azd finds the app by this tag.')
param azdServiceName string

@description('Resource ID of the user-assigned identity the app runs as.')
param identityId string

@description('Client ID of that identity, written into the identity-based connection settings.')
param identityClientId string

@description('Name of the app\'s storage account.')
param storageAccountName string

@description('Name of the retrain queue, read by the writer and by the queue trigger alike.')
param retrainQueueName string

@description('Name of the blob container that holds the deployment package.')
param deploymentContainerName string

@description('Name of the Application Insights component.')
param applicationInsightsName string

@description('Memory per instance in MB.')
@allowed([
  2048
  4096
])
param instanceMemoryMB int

@description('Most instances the app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

@description('.NET version of the isolated worker.')
param dotnetVersion string

@description('Function timeout; the same value as functionTimeout in src/Functions/host.json.')
param functionTimeout string

@description('NCRONTAB schedule of the ingest timer (INGEST_SCHEDULE).')
param ingestSchedule string

@description('URL of the SILSO daily sunspot file (Ingest__SourceUrl).')
param ingestSourceUrl string

@description('NCRONTAB schedule of the EISN timer (EISN_SCHEDULE).')
param eisnSchedule string

@description('URL of SILSO\'s daily estimate for the current month (Ingest__EisnSourceUrl).')
param eisnSourceUrl string

@description('Wall-clock budget of one training run, in minutes (Training__BudgetMinutes).')
param trainingBudgetMinutes int

@description('How often the API looks for a new champion model, in seconds (Serving__ChampionRefreshSeconds).')
param championRefreshSeconds int

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  tags: union(tags, { 'azd-service-name': azdServiceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      remoteDebuggingEnabled: false
      http20Enabled: true
      // No other site's scripts may call the API with the visitor's browser: the page is served
      // from the API's own origin, and the platform answers no cross-origin preflight.
      cors: {
        allowedOrigins: []
        supportCredentials: false
      }
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'dotnet-isolated'
        version: dotnetVersion
      }
    }
  }
}

// Every key the app reads. Keys whose local value is a connection string
// ("UseDevelopmentStorage=true") take the identity-based shape here: <key>__credential,
// <key>__clientId and the service URI (Blob and Queue clients: serviceUri; Table client: endpoint).
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: {
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
    AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
    AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table

    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'

    AzureFunctionsJobHost__functionTimeout: functionTimeout

    Storage__Blobs__serviceUri: storage.properties.primaryEndpoints.blob
    Storage__Blobs__credential: 'managedidentity'
    Storage__Blobs__clientId: identityClientId
    Storage__Tables__endpoint: storage.properties.primaryEndpoints.table
    Storage__Tables__credential: 'managedidentity'
    Storage__Tables__clientId: identityClientId
    Storage__Queues__serviceUri: storage.properties.primaryEndpoints.queue
    Storage__Queues__credential: 'managedidentity'
    Storage__Queues__clientId: identityClientId
    Storage__RetrainQueue: retrainQueueName

    INGEST_SCHEDULE: ingestSchedule
    EISN_SCHEDULE: eisnSchedule
    Ingest__SourceUrl: ingestSourceUrl
    Ingest__EisnSourceUrl: eisnSourceUrl
    Ingest__AttemptTimeoutSeconds: '60'
    Ingest__Retries: '3'
    Ingest__RetryDelaySeconds: '5'
    Ingest__TotalTimeoutSeconds: '300'
    Training__BudgetMinutes: string(trainingBudgetMinutes)
    Serving__ChampionRefreshSeconds: string(championRefreshSeconds)
    Serving__RetryAfterSeconds: '300'
    Serving__MaxBodyBytes: '262144'
    Serving__BodyReadSeconds: '10'
    Serving__MaxHistory: '3653'
    Serving__EisnMinStations: '10'
    Promotion__CarEnumerationMaxLength: '64'
    Ledger__WindowDays: '90'
    Ledger__DemotionMinCount: '60'

    // libtorch's OpenMP threads sleep instead of spinning while they wait: training (queue) and
    // forecasts (HTTP) share an instance's cores, and spinning pools slow each other many times over.
    OMP_WAIT_POLICY: 'PASSIVE'
  }
}

// Basic (user name and password) publishing is off for both FTP and the SCM site: deployments
// authenticate with Entra ID (azd, az functionapp deployment, GitHub OIDC).
resource ftpPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

output name string = functionApp.name
output defaultHostName string = functionApp.properties.defaultHostName
