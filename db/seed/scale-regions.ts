import { REGIONS, type RegionCode } from './regions.ts'

type ScaleLanguage = 'en' | 'de' | 'es'

/** A comma-separated list, so long name lists stay compact (names may contain spaces). */
function list(text: string): string[] {
  return text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0)
}

/** Names people actually have, accents and apostrophes included, so name search meets them. */
const NAMES: Record<ScaleLanguage, { given: string[]; family: string[] }> = {
  en: {
    given: list(`
      Olivia, Amelia, Isla, Ava, Mia, Ivy, Lily, Isabella, Rosie, Sophia, Grace, Freya,
      Emily, Poppy, Ella, Evie, Charlotte, Harper, Sienna, Willow, Oliver, George, Noah,
      Arthur, Leo, Muhammad, Harry, Oscar, Archie, Henry, Theodore, Freddie, Jack, Charlie,
      Finley, Thomas, James, William, Alfie, Isaac, Siobhán, Aoife, Niamh, Saoirse, Ciarán,
      Seán, Eoin, Zoë, Chloé, Renée, Hannah, Liam, Ethan, Mason, Logan, Lucas, Benjamin,
      Emma, Sarah, Anna, Björn, Astrid, Linnéa, Hiroshi, Priya, Mei
    `),
    family: list(`
      Smith, Jones, Taylor, Brown, Williams, Wilson, Johnson, Davies, Robinson, Wright,
      Thompson, Evans, Walker, White, Roberts, Green, Hall, Wood, Jackson, Clarke, Murphy,
      Kelly, O'Sullivan, Walsh, O'Brien, Byrne, Ryan, O'Connor, O'Neill, Reilly, Doyle,
      McCarthy, Gallagher, Doherty, Kennedy, Lynch, Murray, Quinn, Moore, Carter, Miller,
      Davis, Anderson, Nguyen, Patel, Khan, Singh, Tanaka, Berg, Lindqvist, Andersson,
      Johansson, Karlsson, Nilsson, Eriksson, Sjöström, Åberg, D'Angelo, Ní Bhriain,
      Martin-Dubois, Lefèvre
    `),
  },
  de: {
    given: list(`
      Anna, Emma, Mia, Sophia, Hannah, Emilia, Lina, Marie, Lena, Mila, Clara, Leonie,
      Johanna, Ida, Lea, Frieda, Greta, Charlotte, Luise, Paula, Jürgen, Jörg, Günther,
      Björn, Uwe, Lukas, Lucas, Noah, Leon, Paul, Ben, Finn, Elias, Felix, Jonas, Maximilian,
      Henry, Emil, Moritz, Matthias, Stefan, Andreas, Michael, Thomas, Sabine, Ursula,
      Gisela, Käthe, Margarete, Dörte, François
    `),
    family: list(`
      Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz, Hoffmann,
      Schäfer, Koch, Bauer, Richter, Klein, Wolf, Schröder, Neumann, Schwarz, Zimmermann,
      Braun, Krüger, Hofmann, Hartmann, Lange, Schmitt, Werner, Schmitz, Krause, Meier,
      Lehmann, Schmid, Schulze, Maier, Köhler, Herrmann, König, Walter, Mayer, Huber, Kaiser,
      Fuchs, Peters, Lang, Scholz, Möller, Weiß, Jung, Hahn, Schubert, Vogel, Friedrich,
      Keller, Günther, Frank, Berger, Winkler, Roth, Beck, Lorenz, Baumann, Franke, Albrecht,
      Großmann, Böhm, Jäger, von Arnim, Meyer-Landrut
    `),
  },
  es: {
    given: list(`
      María, Lucía, Sofía, Martina, Paula, Julia, Valeria, Daniela, Alba, Carmen, Ana, Anna,
      Inés, Laura, Elena, Marta, Andrea, Noa, Claudia, Irene, Ximena, Hugo, Martín, Lucas,
      Mateo, Leo, Daniel, Alejandro, Pablo, Manuel, Álvaro, Adrián, David, Mario, Diego,
      Javier, José, José Ángel, María José, Tomás, Sebastián, Nicolás, Santiago, Iñigo, Íker,
      Ángel, Óscar, Raúl, Joaquín, Begoña, Maite, Ainhoa
    `),
    family: list(`
      García, Rodríguez, González, Fernández, López, Martínez, Sánchez, Pérez, Gómez, Martín,
      Jiménez, Ruiz, Hernández, Díaz, Moreno, Muñoz, Álvarez, Romero, Alonso, Gutiérrez,
      Navarro, Torres, Domínguez, Vázquez, Ramos, Gil, Ramírez, Serrano, Blanco, Molina,
      Morales, Suárez, Ortega, Delgado, Castro, Ortiz, Rubio, Marín, Sanz, Núñez, Iglesias,
      Medina, Garrido, Cortés, Castillo, Santos, Lozano, Guerrero, Cano, Prieto, Méndez,
      Cruz, Calvo, Gallego, Vidal, León, Márquez, Herrera, Peña, Flores, Cabrera, Campos,
      Vega, Fuentes, Carrasco, Ibáñez, de la Fuente, Villanueva, García Márquez, Núñez Peña,
      Fernández Ortega
    `),
  },
}

/** Parallel lists: a ticket subject in the customer's language and its category. */
const TICKETS: Record<ScaleLanguage, [subject: string, category: string][]> = {
  en: [
    ['Where is my parcel?', 'delivery'],
    ['Wrong item in my order', 'order'],
    ['Refund not received yet', 'billing'],
    ['I cannot sign in', 'account'],
    ['The product stopped working', 'product'],
    ['Question about opening hours', 'other'],
  ],
  de: [
    ['Wo ist mein Paket?', 'delivery'],
    ['Falscher Artikel in meiner Bestellung', 'order'],
    ['Erstattung noch nicht erhalten', 'billing'],
    ['Ich kann mich nicht anmelden', 'account'],
    ['Das Produkt funktioniert nicht mehr', 'product'],
    ['Frage zu den Öffnungszeiten', 'other'],
  ],
  es: [
    ['¿Dónde está mi paquete?', 'delivery'],
    ['Artículo equivocado en mi pedido', 'order'],
    ['Todavía no he recibido el reembolso', 'billing'],
    ['No puedo iniciar sesión', 'account'],
    ['El producto ha dejado de funcionar', 'product'],
    ['Pregunta sobre el horario', 'other'],
  ],
}

interface ScaleRegion {
  region: RegionCode
  language: ScaleLanguage
  timeZone: string
  /** Share of generated customers, in percent. */
  weight: number
  /** House number before the street (12 High Street), after it, or after a comma (Calle Mayor, 12). */
  numberStyle: 'before' | 'after' | 'comma'
  cities: [city: string, postalCode: string][]
  streets: string[]
}

const SCALE_REGIONS: ScaleRegion[] = [
  {
    region: 'GB',
    language: 'en',
    timeZone: 'Europe/London',
    weight: 12,
    numberStyle: 'before',
    cities: [
      ['London', 'N1 9GU'],
      ['Manchester', 'M1 1AE'],
      ['Birmingham', 'B1 1BB'],
      ['Leeds', 'LS1 4AP'],
      ['Glasgow', 'G1 1XQ'],
      ['Bristol', 'BS1 4DJ'],
      ['Edinburgh', 'EH1 1YZ'],
    ],
    streets: [
      'High Street',
      'Station Road',
      'Church Lane',
      'Victoria Road',
      "King's Road",
      'Mill Lane',
      'Park Avenue',
    ],
  },
  {
    region: 'IE',
    language: 'en',
    timeZone: 'Europe/Dublin',
    weight: 4,
    numberStyle: 'before',
    cities: [
      ['Dublin', 'D08 VF8H'],
      ['Cork', 'T12 X70A'],
      ['Galway', 'H91 E2K3'],
      ['Limerick', 'V94 T9PX'],
    ],
    streets: ['Main Street', "O'Connell Street", 'Grafton Street', 'Church Road', 'Strand Road'],
  },
  {
    region: 'US',
    language: 'en',
    timeZone: 'America/New_York',
    weight: 8,
    numberStyle: 'before',
    cities: [
      ['New York', '10014'],
      ['Boston', '02116'],
      ['Atlanta', '30303'],
      ['Philadelphia', '19103'],
    ],
    streets: ['Main Street', 'Oak Avenue', 'Maple Street', 'Washington Street', 'Park Place'],
  },
  {
    region: 'US',
    language: 'en',
    timeZone: 'America/Chicago',
    weight: 5,
    numberStyle: 'before',
    cities: [
      ['Chicago', '60614'],
      ['Austin', '78701'],
      ['Minneapolis', '55401'],
    ],
    streets: ['Lake Street', 'Elm Street', 'Cedar Avenue', 'Second Street'],
  },
  {
    region: 'US',
    language: 'en',
    timeZone: 'America/Los_Angeles',
    weight: 6,
    numberStyle: 'before',
    cities: [
      ['Los Angeles', '90012'],
      ['San Francisco', '94110'],
      ['Seattle', '98101'],
      ['Portland', '97205'],
    ],
    streets: ['Sunset Boulevard', 'Pine Street', 'Mission Street', 'Ocean Avenue'],
  },
  {
    region: 'SE',
    language: 'en',
    timeZone: 'Europe/Stockholm',
    weight: 5,
    numberStyle: 'after',
    cities: [
      ['Stockholm', '118 46'],
      ['Göteborg', '411 19'],
      ['Malmö', '211 22'],
      ['Uppsala', '753 20'],
    ],
    streets: [
      'Storgatan',
      'Drottninggatan',
      'Kungsgatan',
      'Sveavägen',
      'Götgatan',
      'Östra Långgatan',
    ],
  },
  {
    region: 'AU',
    language: 'en',
    timeZone: 'Australia/Sydney',
    weight: 4,
    numberStyle: 'before',
    cities: [
      ['Sydney', '2010'],
      ['Newcastle', '2300'],
      ['Wollongong', '2500'],
    ],
    streets: ['George Street', 'Pitt Street', 'Crown Street', 'Oxford Street'],
  },
  {
    region: 'DE',
    language: 'de',
    timeZone: 'Europe/Berlin',
    weight: 18,
    numberStyle: 'after',
    cities: [
      ['Berlin', '10435'],
      ['Hamburg', '20259'],
      ['München', '80331'],
      ['Köln', '50667'],
      ['Frankfurt am Main', '60311'],
      ['Stuttgart', '70173'],
      ['Düsseldorf', '40213'],
      ['Leipzig', '04109'],
    ],
    streets: [
      'Hauptstraße',
      'Schulstraße',
      'Gartenstraße',
      'Bahnhofstraße',
      'Bergstraße',
      'Lindenstraße',
      'Goethestraße',
      'Schillerstraße',
      'Mühlenweg',
      'Am Marktplatz',
    ],
  },
  {
    region: 'AT',
    language: 'de',
    timeZone: 'Europe/Vienna',
    weight: 5,
    numberStyle: 'after',
    cities: [
      ['Wien', '1070'],
      ['Graz', '8010'],
      ['Linz', '4020'],
      ['Salzburg', '5020'],
    ],
    streets: ['Mariahilfer Straße', 'Herrengasse', 'Landstraße', 'Getreidegasse'],
  },
  {
    region: 'CH',
    language: 'de',
    timeZone: 'Europe/Zurich',
    weight: 4,
    numberStyle: 'after',
    cities: [
      ['Zürich', '8004'],
      ['Basel', '4051'],
      ['Bern', '3011'],
    ],
    // Swiss German spelling has no ß.
    streets: ['Bahnhofstrasse', 'Langstrasse', 'Marktgasse', 'Seestrasse'],
  },
  {
    region: 'ES',
    language: 'es',
    timeZone: 'Europe/Madrid',
    weight: 16,
    numberStyle: 'comma',
    cities: [
      ['Madrid', '28012'],
      ['Barcelona', '08001'],
      ['Valencia', '46004'],
      ['Sevilla', '41004'],
      ['Zaragoza', '50001'],
      ['Málaga', '29005'],
      ['Bilbao', '48001'],
    ],
    streets: [
      'Calle Mayor',
      'Calle Real',
      'Avenida de la Constitución',
      'Calle del Sol',
      'Calle Nueva',
      'Paseo de Gracia',
      'Calle de Alcalá',
    ],
  },
  {
    region: 'ES',
    language: 'es',
    timeZone: 'Atlantic/Canary',
    weight: 2,
    numberStyle: 'comma',
    cities: [
      ['Las Palmas de Gran Canaria', '35002'],
      ['Santa Cruz de Tenerife', '38001'],
    ],
    streets: ['Calle Triana', 'Calle Castillo', 'Avenida Marítima'],
  },
  {
    region: 'MX',
    language: 'es',
    timeZone: 'America/Mexico_City',
    weight: 8,
    numberStyle: 'after',
    cities: [
      ['Ciudad de México', '06700'],
      ['Guadalajara', '44100'],
      ['Puebla', '72000'],
    ],
    streets: ['Avenida Insurgentes', 'Calle Madero', 'Avenida Juárez', 'Calle Hidalgo'],
  },
  {
    region: 'CO',
    language: 'es',
    timeZone: 'America/Bogota',
    weight: 3,
    numberStyle: 'after',
    cities: [
      ['Bogotá', '110221'],
      ['Medellín', '050001'],
      ['Cali', '760001'],
    ],
    streets: ['Carrera 7', 'Calle 26', 'Avenida El Poblado', 'Calle 10'],
  },
]

/** The regions as JSON rows for the generating SQL, and the weighted slots that pick them. */
export function scaleRegionRows(): { rows: object[]; slots: number[] } {
  const slots: number[] = []
  const rows = SCALE_REGIONS.map((scale, idx) => {
    const region = REGIONS[scale.region]
    for (let n = 0; n < scale.weight; n++) slots.push(idx)
    return {
      idx,
      language: scale.language,
      time_zone: scale.timeZone,
      country_code: region.countryCode,
      currency: region.currency,
      minor_per_euro_cent: region.minorPerEuroCent,
      tax_percent: region.taxPercent,
      phone_prefix: region.phonePrefix,
      phone_digits: region.phoneDigits,
      number_style: scale.numberStyle,
      cities: scale.cities.map(([city]) => city),
      postcodes: scale.cities.map(([, postalCode]) => postalCode),
      streets: scale.streets,
      given_names: NAMES[scale.language].given,
      family_names: NAMES[scale.language].family,
      ticket_subjects: TICKETS[scale.language].map(([subject]) => subject),
      ticket_categories: TICKETS[scale.language].map(([, category]) => category),
    }
  })
  return { rows, slots }
}
