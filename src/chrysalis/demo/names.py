"""Names for the demo organisation: first and last names from several cultures, offices, hobbies."""

FIRST_NAMES = """
Ana Bob Carmen Diego Elena Fernando Gabriela Hugo Isabel Javier Lucía Mateo Sofía Pablo Valentina
Camila Andrés Mariana Joaquín Daniela Emma Liam Olivia Noah Ava Ethan Mia Lucas Amelia Oliver
Charlotte James Harper Benjamin Evelyn Henry Abigail Samuel Grace Jack Chloe Owen Zoe Leo Nora
Hannah Jonas Lea Felix Anna Lukas Marie Paul Lena Maximilian Sophie Finn Clara Emil Greta Moritz
Ida Anton Frieda Jakob Léa Louis Chloé Gabriel Manon Raphaël Camille Arthur Inès Jules Élise
Théo Margaux Hugo Amélie Giulia Marco Francesca Luca Chiara Matteo Alessia Lorenzo Martina Davide
Aarav Priya Arjun Ananya Vivaan Diya Rohan Isha Karthik Meera Rahul Sneha Vikram Kavya Aditya Neha
Sanjay Pooja Nikhil Lakshmi Wei Mei Jun Li Hao Xiu Yan Lin Chen Ying Hiroshi Yuki Haruto Sakura
Kenji Aiko Ren Hana Takumi Mio Sora Minjun Seoyeon Jiwoo Hayun Doyun Eunji Jisoo Taeyang Kwame Ama
Kofi Abena Chinedu Ngozi Oluwaseun Adaeze Tunde Folake Amara Jabari Zuri Baraka Wanjiru Tendai
Thandiwe Sipho Nomvula Omar Layla Youssef Fatima Karim Nour Hassan Yasmin Tariq Leila Amir Salma
Ahmed Mariam Ibrahim Aisha Mehmet Elif Emre Zeynep Can Defne Burak Ece Lars Ingrid Sven Astrid
Erik Sigrid Nils Freya Magnus Maja Oskar Elsa Mikkel Saga Aleksander Zofia Jakub Natalia Piotr
Agnieszka Tomasz Katarzyna Ivan Olga Dmitri Anastasia Nikolai Tatiana Sergei Irina Pedro Beatriz
João Inês Tiago Rita Rafael Larissa Thiago Júlia Gustavo Bianca Sean Aoife Ciarán Niamh Declan Siobhan
Rhys Cerys Dylan Megan Fionn Isla Ewan Ailsa Malik Keisha Darnell Imani Marcus Jasmine Andre Tamika
Nguyen Linh Minh Thao Duc Hoa Rizal Putri Budi Sari Arief Dewi Kai Leilani Mana Noa Tane Aroha
Yaw Esi Efua Kojo Dev Anika Ishaan Riya Kabir Tara Zara Ayaan Mila Elias Alma Theo Ines Ruben Noor
""".split()

LAST_NAMES = """
Lopez Garcia Martinez Rodriguez Hernandez Gonzalez Perez Sanchez Ramirez Torres Flores Rivera Gomez
Diaz Morales Ortiz Castillo Romero Alvarez Ruiz Smith Johnson Williams Brown Jones Miller Davis Wilson
Anderson Taylor Thomas Moore Jackson White Harris Martin Thompson Clark Lewis Walker Hall Allen Young
King Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans Turner
Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Koch Richter Klein Wolf
Schröder Neumann Schwarz Braun Zimmermann Hartmann Dubois Durand Lefebvre Moreau Laurent Simon Michel
Leroy Roux David Bertrand Morel Fournier Girard Bonnet Rossi Russo Ferrari Esposito Bianchi Romano
Colombo Ricci Marino Greco Bruno Gallo Conti Costa Sharma Patel Singh Kumar Gupta Reddy Iyer Nair
Menon Rao Desai Joshi Mehta Kapoor Chopra Banerjee Mukherjee Chatterjee Das Pillai Wang Li Zhang Liu
Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo Lin Sato Suzuki Takahashi Tanaka Watanabe Ito
Yamamoto Nakamura Kobayashi Kato Yoshida Yamada Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Okafor
Adeyemi Okonkwo Mensah Boateng Asante Owusu Nwosu Eze Abubakar Bello Mwangi Otieno Kamau Njoroge
Dlamini Nkosi Khumalo Ndlovu Mokoena Haddad Khalil Mansour Nasser Saleh Hussein Farouk Rahman Aziz
Yilmaz Kaya Demir Sahin Celik Aydin Ozturk Arslan Hansen Johansen Nielsen Jensen Andersen Larsen
Eriksson Lindqvist Karlsson Nilsson Johansson Berg Nowak Kowalski Wiśniewski Wójcik Kamiński Lewandowski
Ivanov Petrov Smirnov Volkov Popov Sokolov Silva Santos Oliveira Souza Pereira Ferreira Almeida Carvalho
Ribeiro Gomes Murphy Kelly O'Brien Byrne Ryan O'Connor Walsh McCarthy Gallagher Doyle Jones Davies
Nguyen Tran Le Pham Hoang Vu Dang Bui Santoso Wijaya Halim Kusuma Tanaka Kealoha Ngata Parata Wiremu
Cohen Levi Friedman Katz Goldberg Rosen Novak Horvat Kovač Dvořák Svoboda Novotný Varga Nagy Szabó
""".split()

# Offices with a weight (share of staff) and the sales region they belong to.
OFFICES = [
    ("London", 20, "EMEA"), ("Berlin", 12, "EMEA"), ("Paris", 6, "EMEA"), ("New York", 15, "North America"),
    ("San Francisco", 12, "North America"), ("Toronto", 6, "North America"), ("Singapore", 6, "APAC"),
    ("Bangalore", 10, "APAC"), ("Sydney", 4, "APAC"), ("São Paulo", 4, "North America"),
]
REMOTE = "Remote"
REMOTE_WEIGHT = 12

HOBBIES = [
    "trail running", "sourdough baking", "bouldering", "chess", "birdwatching", "road cycling",
    "board games", "film photography", "gardening", "jazz piano", "open-water swimming", "pottery",
    "science fiction novels", "salsa dancing", "woodworking", "hiking with my dog", "home espresso",
    "learning Japanese", "mountain biking", "volunteering at a food bank", "amateur astronomy",
    "coaching kids' football", "podcasts about history", "yoga", "vinyl records", "cooking for friends",
]

PREVIOUS = [
    "a fintech start-up", "a big consultancy", "a university research lab", "a retail chain",
    "a games studio", "a hospital trust", "a logistics company", "an airline", "a public broadcaster",
    "a SaaS scale-up", "a telecoms operator", "a non-profit", "a bank", "an e-commerce marketplace",
]
