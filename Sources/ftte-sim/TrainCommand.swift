// SPDX-License-Identifier: GPL-3.0-or-later

import ArgumentParser
import Datasets
import Federation
import Scenario
import SimKernel
import TinyTrain

/// `ftte-sim train`: centralised training with the same engine the devices run — the accuracy ceiling a
/// federated run on the same model and data can approach.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model centrally with the tiny training engine and print its test accuracy and loss.",
        discussion: """
            Weights start He-normal from the stream (seed, 0, 0, "init"); each epoch visits the training set in an
            order shuffled by the stream (seed, 0, 0, "shuffle"). Pixels are scaled to [0, 1]. The last lines are
            the final test accuracy (a fraction) and the mean test cross-entropy.
            """
    )

    @Option(help: "Built-in model (\(ModelZoo.names.joined(separator: ", "))) or a model file (.yaml).")
    var model: String

    @Option(help: "Data set: \(DatasetChoice.names.joined(separator: ", ")).")
    var dataset: String = "embedded"

    @Option(name: .customLong("data-dir"), help: "Directory of the data set (default data/NAME; not for embedded).")
    var dataDirectory: String?

    @Option(help: "Passes over the training set.")
    var epochs: Int = 10

    @Option(help: "Samples per mini-batch.")
    var batch: Int = 32

    @Option(help: "SGD learning rate.")
    var lr: Float = 0.05

    @Option(help: "Master seed of the initialisation and shuffling streams.")
    var seed: UInt64 = 1

    @Option(help: "Which parameters train: full, a SPEC, or a YAML file of SPEC rules (see `ftte-sim plan --help`).")
    var update: String = "full"

    @Option(help: "Output format: text or csv.")
    var format: OutputFormat = .text

    @Option(
        name: .customLong("save-weights"),
        help: "Write the trained weights to this file (a manifest's model.initial_weights reads it).")
    var saveWeights: String?

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, csv
    }

    func validate() throws {
        guard DatasetChoice(name: dataset) != nil else {
            throw ValidationError("--dataset must be one of \(DatasetChoice.names.joined(separator: ", "))")
        }
        guard epochs >= 0 else { throw ValidationError("--epochs must not be negative") }
        guard batch > 0 else { throw ValidationError("--batch must be positive") }
        guard lr.isFinite, lr > 0 else { throw ValidationError("--lr must be a positive number") }
    }

    func run() throws {
        let choice = DatasetChoice(name: dataset)!  // checked in validate()
        let train: Dataset
        let test: Dataset
        let plan: TrainingPlan
        let spec: UpdateSpec
        do {
            train = try choice.load(.train, directory: dataDirectory)
            test = try choice.load(.test, directory: dataDirectory)
            let graph = try ModelZoo.resolve(model)
            let input = graph.inputShape
            guard input.channels == train.shape.channels, input.height == train.shape.height,
                input.width == train.shape.width, graph.classes == train.classNames.count
            else {
                throw dataError(
                    "model \(graph.name) takes \(input) inputs and \(graph.classes) classes, but \(train.name) has "
                        + "\(train.shape) samples and \(train.classNames.count) classes")
            }
            spec = try UpdateSpec.resolve(update)
            plan = try TrainingPlan.compile(graph, update: spec, options: CompileOptions(batch: batch))
        } catch let error as DatasetFileError {
            throw dataError(error.description)
        } catch let error as ModelError {
            throw dataError(error.description)
        } catch let error as PlanError {
            throw dataError(error.description)
        }

        var initialisation = RandomStream(StreamKey(masterSeed: seed, entity: 0, purpose: "init"))
        var shuffling = RandomStream(StreamKey(masterSeed: seed, entity: 0, purpose: "shuffle"))
        let session = try TrainingSession(plan: plan, weights: plan.initialWeights(using: &initialisation))
        let trainLabels = train.labels.map(Int.init)
        let testLabels = test.labels.map(Int.init)
        let lastEpoch = try session.trainEpochs(
            inputs: train.features, labels: trainLabels, epochs: epochs, learningRate: lr, using: &shuffling)
        let result = try session.evaluate(inputs: test.features, labels: testLabels)

        let rows: [(String, String)] = [
            ("model", plan.model.name), ("dataset", train.name), ("update", spec.description),
            ("epochs", String(epochs)), ("batch", String(batch)), ("lr", "\(lr)"), ("seed", String(seed)),
            ("train_samples", String(train.count)), ("test_samples", String(test.count)),
            ("peak_sram_bytes", String(plan.arenaBytes)),
            (
                "last_epoch_train_loss",
                fixed(lastEpoch.meanLoss, digits: 6)
            ),
            ("test_accuracy", fixed(result.accuracy)),
            ("test_loss", fixed(result.meanLoss, digits: 6)),
        ]
        print(format == .text ? alignedReport(rows) : csvReport(rows), terminator: "")
        if let saveWeights {
            do {
                let model = FederatedModel(plan: plan)
                try WeightsFile.save(model.parameters(from: session.weights()), of: model, to: saveWeights)
            } catch {
                throw dataError("cannot write the weights to \(saveWeights): \(error.localizedDescription)")
            }
        }
    }
}
